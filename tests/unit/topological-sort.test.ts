import test from 'ava';
import { topologicalSort } from '../../src/unit-of-work/topological-sort.js';

type Graph = Record<string, string[]>;

const sort = (nodes: string[], graph: Graph) => topologicalSort(nodes, (n) => graph[n] ?? []);

/** Every node appears once and after each of its dependencies that is among the nodes. */
function assertValidOrder(t: import('ava').ExecutionContext, nodes: string[], graph: Graph, order: string[] | undefined): void {
  t.truthy(order, 'expected an order, got a cycle');
  t.deepEqual([...order!].sort(), [...nodes].sort());
  for (const n of nodes) {
    for (const dep of graph[n] ?? []) {
      if (!nodes.includes(dep)) continue;
      t.true(order!.indexOf(dep) < order!.indexOf(n), `${dep} must come before ${n} in ${order!.join(',')}`);
    }
  }
}

/** `cycle[i]` depends on `cycle[i + 1]`, and the last on the first: a loop that exists in the graph. */
function assertRealCycle(t: import('ava').ExecutionContext, graph: Graph, cycle: string[] | undefined): void {
  t.truthy(cycle, 'expected a cycle');
  t.true(cycle!.length > 0);
  t.is(new Set(cycle).size, cycle!.length, `a node repeats in ${cycle!.join(' → ')}`);
  cycle!.forEach((n, i) => {
    const next = cycle![(i + 1) % cycle!.length]!;
    t.true((graph[n] ?? []).includes(next), `${n} does not depend on ${next} (reported ${cycle!.join(' → ')})`);
  });
}

test('dependencies come first (the documented example)', (t) => {
  t.deepEqual(sort(['post', 'user'], { post: ['user'] }), { order: ['user', 'post'] });
});

test('a chain given backwards comes out forwards', (t) => {
  const graph = { comment: ['post'], post: ['user'], user: [] };
  t.deepEqual(sort(['comment', 'post', 'user'], graph).order, ['user', 'post', 'comment']);
});

test('a diamond is ordered with every dependency first', (t) => {
  const graph = { d: ['b', 'c'], b: ['a'], c: ['a'], a: [] };
  const nodes = ['d', 'c', 'b', 'a'];
  assertValidOrder(t, nodes, graph, sort(nodes, graph).order);
});

test('stable: independent nodes keep the input order', (t) => {
  t.deepEqual(sort(['c', 'a', 'b'], {}).order, ['c', 'a', 'b']);
  t.deepEqual(sort(['b', 'c', 'a'], {}).order, ['b', 'c', 'a']);
});

test('stable: an input that is already a valid order is returned unchanged', (t) => {
  const graph = { b: ['a'], d: ['c'], e: ['a', 'd'] };
  const nodes = ['a', 'b', 'c', 'd', 'e'];
  t.deepEqual(sort(nodes, graph).order, nodes);
});

test('the same input always gives the same order', (t) => {
  const graph = { x: ['z'], y: ['z'], w: ['y'] };
  const nodes = ['w', 'x', 'y', 'z'];
  const first = sort(nodes, graph).order;
  assertValidOrder(t, nodes, graph, first);
  for (let i = 0; i < 5; i++) t.deepEqual(sort(nodes, graph).order, first);
});

test('dependencies outside the node set are ignored', (t) => {
  t.deepEqual(sort(['post', 'comment'], { post: ['user'], comment: ['post', 'user'] }).order, ['post', 'comment']);
});

test('a cycle through a node outside the set is not a cycle', (t) => {
  // a → outside → a exists in the graph, but `outside` is not being sorted.
  t.deepEqual(sort(['a'], { a: ['outside'], outside: ['a'] }).order, ['a']);
});

test('no nodes: an empty order', (t) => {
  t.deepEqual(sort([], {}), { order: [] });
});

test('a two-node cycle is reported, and it is a real cycle', (t) => {
  const graph = { a: ['b'], b: ['a'] };
  const result = sort(['a', 'b'], graph);
  t.is(result.order, undefined);
  assertRealCycle(t, graph, result.cycle);
  t.deepEqual([...result.cycle!].sort(), ['a', 'b']);
});

test('a self-loop is a cycle of one node', (t) => {
  const graph = { node: ['node'], other: [] };
  const result = sort(['other', 'node'], graph);
  t.deepEqual(result.cycle, ['node']);
  t.is(result.order, undefined);
});

test('the reported cycle leaves out the nodes that merely lead into it', (t) => {
  // entry → a → b → c → a: `entry` is on the path but not on the loop.
  const graph = { entry: ['a'], a: ['b'], b: ['c'], c: ['a'] };
  const result = sort(['entry', 'a', 'b', 'c'], graph);
  assertRealCycle(t, graph, result.cycle);
  t.deepEqual([...result.cycle!].sort(), ['a', 'b', 'c']);
});

test('a cycle deep in a larger graph is found and is real', (t) => {
  const graph = { a: [], b: ['a'], c: ['b', 'f'], d: ['c'], e: ['d'], f: ['e'], g: ['a'] };
  const nodes = ['g', 'f', 'e', 'd', 'c', 'b', 'a'];
  const result = sort(nodes, graph);
  assertRealCycle(t, graph, result.cycle);
  t.deepEqual([...result.cycle!].sort(), ['c', 'd', 'e', 'f']);
});

test('works with object nodes (identity, not equality)', (t) => {
  const user = { name: 'User' };
  const post = { name: 'Post' };
  const deps = new Map([[post, [user]]]);
  t.deepEqual(topologicalSort([post, user], (n) => deps.get(n) ?? []).order, [user, post]);
});

test('dependsOn may return any iterable, including a generator and a Set', (t) => {
  const gen = function* (n: string) {
    if (n === 'b') yield 'a';
  };
  t.deepEqual(topologicalSort(['b', 'a'], gen).order, ['a', 'b']);
  t.deepEqual(topologicalSort(['b', 'a'], (n) => new Set(n === 'b' ? ['a'] : [])).order, ['a', 'b']);
});

test('a long chain does not overflow', (t) => {
  const n = 2000;
  const nodes = Array.from({ length: n }, (_, i) => i);
  // node i depends on i + 1: the reverse of the input order.
  const result = topologicalSort(nodes, (i) => (i + 1 < n ? [i + 1] : []));
  t.is(result.order!.length, n);
  t.is(result.order![0], n - 1);
  t.is(result.order![n - 1], 0);
});
