// Producer ids (src/broker/producer-ids.ts) over a real LocalMetadataStore in a temporary directory: ids come
// from durably reserved blocks, in order; concurrent callers share one reservation; and a restart (a new
// store and manager on the same directory) never hands out an id that was reserved before, even if the old
// block was mostly unused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMetadataStore, type MetadataStore, type ProducerIdBlock } from '../../../src/metadata/index.js';
import { ProducerIdManager } from '../../../src/broker/producer-ids.js';

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-pid-'));
  try {
    await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A store that records each block it hands out. */
function recording(store: MetadataStore): { store: MetadataStore; blocks: ProducerIdBlock[] } {
  const blocks: ProducerIdBlock[] = [];
  const wrapped = Object.create(store) as MetadataStore;
  wrapped.allocateProducerIds = async (size: number) => {
    const b = await store.allocateProducerIds(size);
    blocks.push(b);
    return b;
  };
  return { store: wrapped, blocks };
}

describe('ProducerIdManager', () => {
  it('hands out 0, 1, 2, ... from one block of 1000, reserving the next block only when the first runs out', () => withDir(async (dir) => {
    const { store, blocks } = recording(new LocalMetadataStore(dir));
    const m = new ProducerIdManager(store);
    const ids: number[] = [];
    for (let i = 0; i < 1000; i++) ids.push(await m.nextProducerId());
    assert.deepEqual(ids, Array.from({ length: 1000 }, (_, i) => i));
    assert.deepEqual(blocks, [{ firstProducerId: 0, size: 1000 }]);
    assert.equal(await m.nextProducerId(), 1000);
    assert.deepEqual(blocks, [{ firstProducerId: 0, size: 1000 }, { firstProducerId: 1000, size: 1000 }]);
  }));

  it('no block is reserved before the first id is asked for', () => withDir(async (dir) => {
    const { store, blocks } = recording(new LocalMetadataStore(dir));
    new ProducerIdManager(store);
    assert.deepEqual(blocks, []);
  }));

  it('concurrent callers wait for one reservation and get distinct ids', () => withDir(async (dir) => {
    const { store, blocks } = recording(new LocalMetadataStore(dir));
    const m = new ProducerIdManager(store);
    const ids = await Promise.all(Array.from({ length: 1500 }, () => m.nextProducerId()));
    assert.equal(new Set(ids).size, 1500);
    assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: 1500 }, (_, i) => i));
    assert.equal(blocks.length, 2, 'one block at a time, not one per caller');
  }));

  it('after a restart, ids continue after every block reserved before: none is reused', () => withDir(async (dir) => {
    const seen = new Set<number>();
    // Restart after 3 ids (997 of the block unused), after 1500 (two blocks), after none at all, and after 1.
    const firsts: number[] = [];
    for (const n of [3, 1500, 0, 1]) {
      const store = new LocalMetadataStore(dir);
      const m = new ProducerIdManager(store);
      for (let i = 0; i < n; i++) {
        const id = await m.nextProducerId();
        assert.ok(!seen.has(id), `producer id ${id} handed out twice`);
        seen.add(id);
        if (i === 0) firsts.push(id);
      }
      await store.close();
    }
    assert.deepEqual(firsts, [0, 1000, 3000], 'each restart starts at the next unreserved block');
  }));

  it('two managers on one store never overlap (each reserves its own block)', () => withDir(async (dir) => {
    const store = new LocalMetadataStore(dir);
    const a = new ProducerIdManager(store);
    const b = new ProducerIdManager(store);
    const ids = new Set<number>();
    for (let i = 0; i < 2500; i++) {
      ids.add(await a.nextProducerId());
      ids.add(await b.nextProducerId());
    }
    assert.equal(ids.size, 5000);
  }));
});
