// The client side of bench/kafka/transactions-side-by-side.ts: the same Java producer and consumer
// (kafka-clients of the Kafka version under test) against Kafka or Gregor. ProducerPerformance can commit
// a transaction every N milliseconds but not every N records, so this small driver does that.
//
//   produce <bootstrap> <topic> <plain|idempotent|transactional> <records per transaction> <records> <size> <warm-up records>
//   consume <bootstrap> <topic> <read_committed|read_uncommitted> <records> <warm-up passes>
//
// Every record is acks=all; plain has enable.idempotence=false, the others true, transactional adds a
// transactional.id and commits every <records per transaction> records. Latency is from send() to its
// callback (at full speed, so it includes the wait for buffer space and, in a transaction, for the batch
// to go out). A warm-up pass (its own producer or consumer, same JVM) runs before the measured one.
// Prints one line starting with RESULT and a JSON object.
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class TxnBench {
    private TxnBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 8 && args[0].equals("produce")) {
            String bootstrap = args[1];
            String topic = args[2];
            String mode = args[3];
            int perTxn = Integer.parseInt(args[4]);
            int records = Integer.parseInt(args[5]);
            int size = Integer.parseInt(args[6]);
            int warmup = Integer.parseInt(args[7]);
            if (warmup > 0) {
                System.out.println("WARMUP " + produce(bootstrap, topic, mode, perTxn, warmup, size));
            }
            System.out.println("RESULT " + produce(bootstrap, topic, mode, perTxn, records, size));
        } else if (args.length >= 6 && args[0].equals("consume")) {
            int warmups = Integer.parseInt(args[5]);
            for (int i = 0; i < warmups; i++) {
                System.out.println("WARMUP " + consume(args[1], args[2], args[3], Integer.parseInt(args[4])));
            }
            System.out.println("RESULT " + consume(args[1], args[2], args[3], Integer.parseInt(args[4])));
        } else {
            throw new IllegalArgumentException("usage: produce <bootstrap> <topic> <plain|idempotent|transactional> <per txn> <records> <size> <warm-up>"
                + " | consume <bootstrap> <topic> <read_committed|read_uncommitted> <records> <warm-up passes>");
        }
    }

    private static String produce(String bootstrap, String topic, String mode, int perTxn, int records, int size) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, mode.equals("plain") ? "false" : "true");
        boolean txn = mode.equals("transactional");
        if (txn) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-bench-" + UUID.randomUUID());
        }
        byte[] value = new byte[size];
        new Random(1).nextBytes(value);
        long[] latencyUs = new long[records];
        long[] commitUs = new long[txn ? (records + perTxn - 1) / perTxn : 0];
        AtomicReference<Exception> failed = new AtomicReference<>();
        long start;
        long elapsed;
        int txns = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            if (txn) {
                producer.initTransactions();
            }
            start = System.nanoTime();
            int sent = 0;
            while (sent < records && failed.get() == null) {
                int n = txn ? Math.min(perTxn, records - sent) : records - sent;
                if (txn) {
                    producer.beginTransaction();
                }
                for (int i = 0; i < n; i++) {
                    final int at = sent + i;
                    final long t0 = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                        if (e != null) {
                            failed.compareAndSet(null, e);
                        }
                        latencyUs[at] = (System.nanoTime() - t0) / 1000;
                    });
                }
                sent += n;
                if (txn) {
                    long c0 = System.nanoTime();
                    producer.commitTransaction();
                    commitUs[txns++] = (System.nanoTime() - c0) / 1000;
                }
            }
            producer.flush();
            elapsed = System.nanoTime() - start;
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        double secs = elapsed / 1e9;
        Arrays.sort(latencyUs);
        long[] commits = Arrays.copyOf(commitUs, txns);
        Arrays.sort(commits);
        return String.format("{\"records\":%d,\"recordsPerSec\":%.1f,\"mbPerSec\":%.2f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"p999Ms\":%.2f,"
            + "\"transactions\":%d,\"commitP50Ms\":%.2f,\"commitP99Ms\":%.2f}",
            records, records / secs, records * (double) size / secs / (1 << 20), pct(latencyUs, 0.5), pct(latencyUs, 0.99), pct(latencyUs, 0.999),
            txns, pct(commits, 0.5), pct(commits, 0.99));
    }

    private static double pct(long[] sortedUs, double q) {
        if (sortedUs.length == 0) {
            return -1;
        }
        return sortedUs[Math.min(sortedUs.length - 1, (int) Math.floor(q * sortedUs.length))] / 1000.0;
    }

    private static String consume(String bootstrap, String topic, String isolation, int records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long count = 0;
        long bytes = 0;
        long elapsed;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long start = System.nanoTime();
            long deadline = start + 120_000_000_000L;
            while (count < records && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    count++;
                    bytes += r.value() == null ? 0 : r.value().length;
                }
            }
            elapsed = System.nanoTime() - start;
        }
        double secs = elapsed / 1e9;
        return String.format("{\"records\":%d,\"recordsPerSec\":%.1f,\"mbPerSec\":%.2f,\"complete\":%b}", count, count / secs, bytes / secs / (1 << 20), count >= records);
    }
}
