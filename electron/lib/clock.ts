/** Time as the shell's restart loops see it; tests pass their own and step it. */
export interface Clock {
  now(): number;
  later(run: () => void, delayMs: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  later: (run, delayMs) => {
    const t = setTimeout(run, delayMs);
    return { cancel: () => clearTimeout(t) };
  },
};
