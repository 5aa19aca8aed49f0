/** One timer that is moved around: "wake me at this time" (or never), for expiring indicators. */
export function createAlarm(fire: () => void): (at: number | null) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let due: number | null = null;
  return (at) => {
    if (at === due) return;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    due = at;
    if (at === null) return;
    timer = setTimeout(
      () => {
        timer = null;
        due = null;
        fire();
      },
      Math.max(0, at - Date.now()),
    );
  };
}
