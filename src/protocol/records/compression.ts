// Record batch compression codecs, byte-compatible with what Kafka's Java client
// puts on the wire (attributes bits 0-2 of a RecordBatch v2):
//   gzip   RFC 1952 stream (java.util.zip.GZIPOutputStream)
//   snappy xerial-framed snappy (org.xerial.snappy.SnappyOutputStream): a 16-byte
//          header, then blocks of [int32 BE compressed length][raw snappy block].
//          Readers must also accept plain raw snappy (librdkafka and kafkajs
//          write that), which xerial's SnappyInputStream does too.
//   lz4    LZ4 frame format (KafkaLZ4BlockOutputStream): independent blocks of at
//          most 64 KiB, no block or content checksums, correct header checksum.
//   zstd   a standard zstd frame.

import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type * as Snappy from 'snappy';
import type * as Lz4 from 'lz4-napi';
import type * as Zstd from 'zstd-napi';
import { RecordBatchError } from './record-batch-error.js';

// The codec libraries are native addons of several MB each; they load on first use, so a process that
// never meets a codec (a broker whose producers do not compress) does not carry them.
const require = createRequire(import.meta.url);
let snappyLib: typeof Snappy | undefined;
let lz4Lib: typeof Lz4 | undefined;
let zstdLib: typeof Zstd | undefined;
const snappy = {
  compress: (...a: Parameters<typeof Snappy.compress>) => (snappyLib ??= require('snappy') as typeof Snappy).compress(...a),
  uncompress: (...a: Parameters<typeof Snappy.uncompress>) => (snappyLib ??= require('snappy') as typeof Snappy).uncompress(...a),
};
const lz4 = {
  compressSync: (...a: Parameters<typeof Lz4.compressSync>) => (lz4Lib ??= require('lz4-napi') as typeof Lz4).compressSync(...a),
  decompressFrame: (...a: Parameters<typeof Lz4.decompressFrame>) => (lz4Lib ??= require('lz4-napi') as typeof Lz4).decompressFrame(...a),
};
const zstd = {
  compress: (...a: Parameters<typeof Zstd.compress>) => (zstdLib ??= require('zstd-napi') as typeof Zstd).compress(...a),
  decompress: (...a: Parameters<typeof Zstd.decompress>) => (zstdLib ??= require('zstd-napi') as typeof Zstd).decompress(...a),
};

export const CompressionType = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionName = keyof typeof CompressionType;
export type CompressionCodecId = (typeof CompressionType)[CompressionName];

export const COMPRESSION_NAMES = Object.keys(CompressionType) as CompressionName[];

export function compressionByName(name: string): CompressionCodecId {
  const id = (CompressionType as Record<string, CompressionCodecId>)[name];
  if (id === undefined) {
    throw new RecordBatchError('ERR_RECORD_BATCH_INVALID_ARGUMENT', `unknown compression type "${name}" (use one of ${COMPRESSION_NAMES.join(', ')})`);
  }
  return id;
}

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

/** xerial SnappyOutputStream header: magic, version 1, minimum compatible version 1. */
const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
const XERIAL_MAGIC_LENGTH = 8;
/** SnappyOutputStream's default block size. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export async function compress(codec: CompressionCodecId, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return gzip(data);
    case 2:
      return snappyXerialCompress(data);
    case 3:
      return lz4KafkaFrame(data);
    case 4:
      return zstd.compress(data);
    default:
      throw unknownCodec(codec);
  }
}

export async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  try {
    switch (codec) {
      case 0:
        return data;
      case 1:
        return await gunzip(data);
      case 2:
        return await snappyXerialDecompress(data);
      case 3:
        return await lz4.decompressFrame(data);
      case 4:
        return zstd.decompress(data);
      default:
        throw unknownCodec(codec);
    }
  } catch (e) {
    if (e instanceof RecordBatchError) throw e;
    throw new RecordBatchError('ERR_RECORD_BATCH_DECOMPRESSION', `cannot decompress ${codecName(codec)} data: ${(e as Error).message}`, { cause: e });
  }
}

export function codecName(codec: number): string {
  return COMPRESSION_NAMES[codec] ?? `codec ${codec}`;
}

function unknownCodec(codec: number): RecordBatchError {
  return new RecordBatchError('ERR_RECORD_BATCH_UNSUPPORTED_COMPRESSION', `unsupported compression codec ${codec}`);
}

/**
 * LZ4 frame exactly as KafkaLZ4BlockOutputStream writes it: magic, FLG 0x60
 * (version 1, independent blocks, no checksums, no content size), BD 0x40 (64 KiB
 * blocks), header checksum 0x82 (xxh32 of FLG BD, second byte); then per 64 KiB
 * of input a little-endian block size (high bit set = stored uncompressed) and the
 * block; then a zero end mark.
 */
const LZ4_FRAME_HEADER = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
const LZ4_BLOCK_SIZE = 64 * 1024;
const LZ4_UNCOMPRESSED_FLAG = 0x80000000;

function lz4KafkaFrame(data: Buffer): Buffer {
  const parts: Buffer[] = [LZ4_FRAME_HEADER];
  for (let at = 0; at < data.length; at += LZ4_BLOCK_SIZE) {
    const block = data.subarray(at, Math.min(data.length, at + LZ4_BLOCK_SIZE));
    // lz4-napi's block output starts with the uncompressed size (u32 LE), which the frame does not carry.
    const compressed = lz4.compressSync(block).subarray(4);
    const size = Buffer.allocUnsafe(4);
    if (compressed.length < block.length) {
      size.writeUInt32LE(compressed.length, 0);
      parts.push(size, compressed);
    } else {
      size.writeUInt32LE((block.length | LZ4_UNCOMPRESSED_FLAG) >>> 0, 0);
      parts.push(size, block);
    }
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

async function snappyXerialCompress(data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [XERIAL_HEADER];
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_SIZE) {
    const block = await snappy.compress(data.subarray(at, Math.min(data.length, at + XERIAL_BLOCK_SIZE)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

async function snappyXerialDecompress(data: Buffer): Promise<Buffer> {
  if (data.length < XERIAL_HEADER.length || !data.subarray(0, XERIAL_MAGIC_LENGTH).equals(XERIAL_HEADER.subarray(0, XERIAL_MAGIC_LENGTH))) {
    return (await snappy.uncompress(data, { asBuffer: true })) as Buffer;
  }
  const parts: Buffer[] = [];
  let at = XERIAL_HEADER.length;
  while (at < data.length) {
    if (at + 4 > data.length) throw new Error('truncated xerial snappy block length');
    const len = data.readInt32BE(at);
    at += 4;
    if (len < 0 || at + len > data.length) throw new Error(`xerial snappy block of ${len} bytes overruns the data`);
    parts.push((await snappy.uncompress(data.subarray(at, at + len), { asBuffer: true })) as Buffer);
    at += len;
  }
  return Buffer.concat(parts);
}
