// Dates in WIB (Asia/Jakarta, UTC+7, no daylight saving) as the city writes them: 09-12-2026 23.59 WIB.
import { t } from "./i18n.js";

const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;
const two = (n) => String(n).padStart(2, "0");

export function wib(iso) {
  if (!iso) return "–";
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return "–";
  const local = new Date(moment.getTime() + WIB_OFFSET_MS);
  return `${two(local.getUTCDate())}-${two(local.getUTCMonth() + 1)}-${local.getUTCFullYear()} ${two(local.getUTCHours())}.${two(local.getUTCMinutes())} WIB`;
}

export function wibTime(date, { seconds = false } = {}) {
  const local = new Date(date.getTime() + WIB_OFFSET_MS);
  const tail = seconds ? `.${two(local.getUTCSeconds())}` : "";
  return `${two(local.getUTCHours())}.${two(local.getUTCMinutes())}${tail} WIB`;
}

export function age(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60000));
  if (minutes < 60) return t("age.minutes", { n: minutes });
  if (minutes < 48 * 60) return t("age.hours", { n: Math.floor(minutes / 60) });
  return t("age.days", { n: Math.floor(minutes / 1440) });
}

export const SLA_STATES = ["on_time", "due_soon", "overdue", "escalated", "none"];

export function countdown(deadline) {
  const n = deadline.working_days_left;
  if (n === undefined || n === null) return "";
  if (n > 0) return t("complaint.workingDaysLeft", { n });
  if (n === 0) return t("complaint.dueToday");
  return t("complaint.workingDaysLate", { n: -n });
}
