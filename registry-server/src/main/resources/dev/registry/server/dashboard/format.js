// Text for durations, counts and statuses. Pure functions: no DOM, no state.

export const STATUSES = ['UP', 'STARTING', 'DOWN', 'OUT_OF_SERVICE'];

const STATUS_LABELS = {
  UP: 'UP',
  STARTING: 'STARTING',
  DOWN: 'DOWN',
  OUT_OF_SERVICE: 'OUT OF SERVICE',
};

/** The status as shown; an unknown one (a newer server) as it came. */
export function statusLabel(status) {
  return STATUS_LABELS[status] ?? String(status);
}

/** A CSS class suffix for a status: up, starting, down, oos or other. */
export function statusClass(status) {
  switch (status) {
    case 'UP': return 'up';
    case 'STARTING': return 'starting';
    case 'DOWN': return 'down';
    case 'OUT_OF_SERVICE': return 'oos';
    default: return 'other';
  }
}

/** A duration in seconds as its two largest units: "3d 4h", "5h 02m", "4m 09s", "42s". */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(sec)}s`;
  return `${sec}s`;
}

/** Time left on a lease: "in 12s", or "ending" once it has run out and no answer has said otherwise. */
export function leaseLeft(seconds) {
  return seconds > 0 ? `in ${duration(Math.ceil(seconds))}` : 'ending';
}

// One formatter: toLocaleString builds a new one on every call, which a thousand rows feel.
const COUNT = new Intl.NumberFormat('en-US');

export function count(n) {
  return COUNT.format(n);
}

export function plural(n, one, many) {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function pad(n) {
  return n < 10 ? `0${n}` : String(n);
}
