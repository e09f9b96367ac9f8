/** How backup times and sizes read: "2 s ago", "3.1 MB", a local date and time. */

/** "just now", "2 s ago", "5 min ago", "3 h ago", "2 days ago". */
export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 1) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

/** A duration in ms as "0 s", "1.5 s", "2 min". */
export function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function when(ms: number): string {
  return new Date(ms).toLocaleString();
}

/** The value of an `<input type="datetime-local">` as ms since the epoch (local time). */
export function fromLocalInput(value: string): number | null {
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : t;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** "the last 2 days", "the last day", "the last 12 hours". */
function last(ms: number): string {
  if (ms >= DAY_MS && ms % DAY_MS === 0) {
    const d = ms / DAY_MS;
    return d === 1 ? "the last day" : `the last ${d} days`;
  }
  const h = Math.max(1, Math.round(ms / HOUR_MS));
  return h === 1 ? "the last hour" : `the last ${h} hours`;
}

/** How dense the restore points are: "every hour for the last 2 days, every day for the last 30 days". */
export function restorePolicy(hourlyForMs: number, dailyForMs: number): string {
  const parts: string[] = [];
  if (hourlyForMs > 0) parts.push(`every hour for ${last(hourlyForMs)}`);
  if (dailyForMs > hourlyForMs) parts.push(`every day for ${last(dailyForMs)}`);
  return parts.join(", ");
}
