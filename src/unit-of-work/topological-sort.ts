/** Result of {@link topologicalSort}: either an order, or one cycle that prevents it. */
export type SortResult<T> = { order: T[]; cycle?: undefined } | { order?: undefined; cycle: T[] };

/**
 * Orders `nodes` so that every node comes after the nodes it depends on. Dependencies outside
 * `nodes` and self-loops given by `dependsOn` are reported as cycles only when they close a loop
 * inside `nodes`. Stable: among independent nodes the input order is kept. When no order exists,
 * returns one cycle (`[a, b, c]` meaning a → b → c → a) so callers can name it.
 *
 * @example
 * topologicalSort(['post', 'user'], (n) => (n === 'post' ? ['user'] : [])) // { order: ['user', 'post'] }
 */
export function topologicalSort<T>(nodes: readonly T[], dependsOn: (node: T) => Iterable<T>): SortResult<T> {
  const inSet = new Set(nodes);
  const state = new Map<T, 1 | 2>(); // 1 = on the current path, 2 = done
  const order: T[] = [];
  const path: T[] = [];
  let cycle: T[] | undefined;

  const visit = (node: T): boolean => {
    const s = state.get(node);
    if (s === 2) return true;
    if (s === 1) {
      cycle = path.slice(path.indexOf(node));
      return false;
    }
    state.set(node, 1);
    path.push(node);
    for (const dep of dependsOn(node)) {
      if (!inSet.has(dep)) continue;
      if (!visit(dep)) return false;
    }
    path.pop();
    state.set(node, 2);
    order.push(node);
    return true;
  };

  for (const node of nodes) {
    if (!visit(node)) return { cycle: cycle! };
  }
  return { order };
}
