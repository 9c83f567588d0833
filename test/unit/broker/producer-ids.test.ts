// Producer ids (src/broker/producer-ids.ts) over a real LocalMetadataStore in a temporary directory: ids come
// from durably reserved blocks, in order, and a restart (a new store and manager on the same directory)
// never hands out an id that was reserved before, even if the old block was mostly unused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMetadataStore, type MetadataStore, type ProducerIdBlock } from '../../../src/metadata/index.js';
import { ProducerIdManager } from '../../../src/broker/producer-ids.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gregor-pid-'));
}

/** A store that records each block it hands out. */
function recording(store: MetadataStore): { store: MetadataStore; blocks: ProducerIdBlock[] } {
  const blocks: ProducerIdBlock[] = [];
  const wrapped = Object.create(store) as MetadataStore;
  wrapped.allocateProducerIds = (size: number) => {
    const b = store.allocateProducerIds(size);
    blocks.push(b);
    return b;
  };
  return { store: wrapped, blocks };
}

describe('ProducerIdManager', () => {
  it('hands out 0, 1, 2, ... from one block of 1000, reserving the next block only when the first runs out', () => {
    const dir = tempDir();
    try {
      const { store, blocks } = recording(new LocalMetadataStore(dir));
      const m = new ProducerIdManager(store);
      const ids = Array.from({ length: 1000 }, () => m.nextProducerId());
      assert.deepEqual(ids, Array.from({ length: 1000 }, (_, i) => i));
      assert.deepEqual(blocks, [{ firstProducerId: 0, size: 1000 }]);
      assert.equal(m.nextProducerId(), 1000);
      assert.deepEqual(blocks, [{ firstProducerId: 0, size: 1000 }, { firstProducerId: 1000, size: 1000 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no block is reserved before the first id is asked for', () => {
    const dir = tempDir();
    try {
      const { store, blocks } = recording(new LocalMetadataStore(dir));
      new ProducerIdManager(store);
      assert.deepEqual(blocks, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after a restart, ids continue after every block reserved before: none is reused', () => {
    const dir = tempDir();
    try {
      const seen = new Set<number>();
      const take = (m: ProducerIdManager, n: number) => {
        for (let i = 0; i < n; i++) {
          const id = m.nextProducerId();
          assert.ok(!seen.has(id), `producer id ${id} handed out twice`);
          seen.add(id);
        }
      };
      // Restart after 3 ids (997 of the block unused), after 1500 (two blocks), and after none at all.
      const runs = [3, 1500, 0, 1];
      const firsts: number[] = [];
      for (const n of runs) {
        const store = new LocalMetadataStore(dir);
        const m = new ProducerIdManager(store);
        const before = seen.size;
        take(m, n);
        if (n > 0) firsts.push([...seen][before]!);
        store.close();
      }
      assert.deepEqual(firsts, [0, 1000, 3000], 'each restart starts at the next unreserved block');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two managers on one store never overlap (each reserves its own block)', () => {
    const dir = tempDir();
    try {
      const store = new LocalMetadataStore(dir);
      const a = new ProducerIdManager(store);
      const b = new ProducerIdManager(store);
      const ids = new Set<number>();
      for (let i = 0; i < 2500; i++) {
        ids.add(a.nextProducerId());
        ids.add(b.nextProducerId());
      }
      assert.equal(ids.size, 5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
