// A partial settings update as it arrives from a parsed request (keys may be present but
// undefined), merged without letting an `undefined` erase a current value.
export type Patch<T> = { [K in keyof T]?: T[K] | undefined };

export function applyPatch<T extends object>(current: T, patch: Patch<T>): T {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return { ...current, ...defined };
}
