package gregor.clientcheck;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Java Kafka client against a broker, for Gregor's integration tests. Every command prints JSON lines on
 * stdout (one per record or acknowledgement, then a {"summary": ...} line) and exits non-zero when it did not
 * do all it was asked within its deadline. The client's own log goes to stderr.
 *
 * <pre>
 *   create-topic &lt;bootstrap&gt; &lt;topic&gt; &lt;partitions&gt;
 *   produce &lt;bootstrap&gt; &lt;topic&gt; &lt;count&gt; [--compression none|gzip|snappy|lz4|zstd] [--prefix P] [--pad N]
 *   consume &lt;bootstrap&gt; &lt;topic&gt; &lt;expectedCount&gt; [--timeout-ms T] [--from-time MS] [--tail-ms T] [--isolation read_committed|read_uncommitted]
 *   group-consume &lt;bootstrap&gt; &lt;topic&gt; &lt;group&gt; --duration-ms D
 *   admin-lifecycle &lt;bootstrap&gt; &lt;topic&gt;   (an existing 1-partition topic holding at least 10 records)
 *   alter-configs &lt;bootstrap&gt; &lt;topic&gt; &lt;OP:key[=value]&gt;...   (OP: SET, DELETE, APPEND, SUBTRACT)
 *   secure-roundtrip &lt;bootstrap&gt; &lt;topic&gt; &lt;client.properties&gt; &lt;count&gt;   (security.protocol, ssl.*, sasl.* from the file)
 *   transactions &lt;bootstrap&gt; &lt;topic&gt; &lt;transactionalId&gt; &lt;group&gt;   (an existing topic)
 * </pre>
 *
 * produce sends record i with key P+"key-"+i, value P+"value-"+i (followed by "abc" repeated i % N times
 * when --pad N is given) and headers seq=i, origin=java, through an idempotent producer (acks=all).
 * consume assigns every partition of the topic (no group) and starts from the beginning, or with --from-time
 * at the offsets offsetsForTimes finds (the end where it finds none); after the expected count it keeps polling
 * for --tail-ms (default 300) and reports any record past the count as extra.
 * group-consume subscribes as a member of the group (classic protocol, range assignor), prints each record and
 * each assignment ({"assigned":[partitions]}), commits synchronously after every poll, and after D ms closes
 * (commit, LeaveGroup).
 */
public final class ClientCheck {
  private static final PrintWriter OUT =
      new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);

  private ClientCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) usage();
    int code;
    switch (args[0]) {
      case "create-topic" -> code = createTopic(args);
      case "produce" -> code = produce(args);
      case "consume" -> code = consume(args);
      case "group-consume" -> code = groupConsume(args);
      case "admin-lifecycle" -> code = adminLifecycle(args);
      case "alter-configs" -> code = alterConfigs(args);
      case "secure-roundtrip" -> code = secureRoundtrip(args);
      case "transactions" -> code = transactions(args);
      case "txn-timeout" -> code = txnTimeout(args);
      default -> {
        usage();
        code = 64;
      }
    }
    OUT.flush();
    System.exit(code);
  }

  private static void usage() {
    System.err.println("usage: create-topic <bootstrap> <topic> <partitions>\n"
        + "       produce <bootstrap> <topic> <count> [--compression C] [--prefix P] [--pad N]\n"
        + "       consume <bootstrap> <topic> <expectedCount> [--timeout-ms T] [--from-time MS] [--tail-ms T]\n"
        + "       group-consume <bootstrap> <topic> <group> --duration-ms D\n"
        + "       admin-lifecycle <bootstrap> <topic>\n"
        + "       alter-configs <bootstrap> <topic> <OP:key[=value]>...\n"
        + "       secure-roundtrip <bootstrap> <topic> <client.properties> <count>\n"
        + "       transactions <bootstrap> <topic> <transactionalId> <group>\n"
        + "       txn-timeout <bootstrap> <topic> <transactionalId> <transaction.timeout.ms>");
    System.exit(64);
  }

  private static String option(String[] args, String name, String dflt) {
    for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
    return dflt;
  }

  private static String arg(String[] args, int i) {
    if (args.length <= i || args[i].startsWith("--")) usage();
    return args[i];
  }

  // ---- transactions -----------------------------------------------------------------------------------------

  /**
   * A transactional producer commits three records and aborts two; it opens a third transaction ("zombie") and a
   * second producer with the same transactional id takes over (fencing it), commits one record with the group's
   * offset (sendOffsetsToTransaction, offset 42 of partition 0); the zombie's commit must fail. Then a
   * read_committed and a read_uncommitted consumer read the topic to its end, and the admin client reads the
   * group's offsets with requireStable. Summarised as JSON.
   */
  private static int transactions(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2), txnId = arg(args, 3), group = arg(args, 4);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    String fencedError = "none";
    KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(props);
    try {
      zombie.initTransactions();
      zombie.beginTransaction();
      for (int i = 0; i < 3; i++) zombie.send(new ProducerRecord<>(topic, utf8("k" + i), utf8("commit-" + i)));
      zombie.commitTransaction();
      zombie.beginTransaction();
      for (int i = 0; i < 2; i++) zombie.send(new ProducerRecord<>(topic, utf8("k" + i), utf8("abort-" + i)));
      zombie.flush(); // written, then aborted (an abort drops what is still unsent)
      zombie.abortTransaction();
      zombie.beginTransaction();
      zombie.send(new ProducerRecord<>(topic, utf8("z"), utf8("zombie"))).get(30, TimeUnit.SECONDS);
      try (KafkaProducer<byte[], byte[]> successor = new KafkaProducer<>(props)) {
        successor.initTransactions();
        successor.beginTransaction();
        successor.send(new ProducerRecord<>(topic, 0, utf8("s"), utf8("successor")));
        successor.sendOffsetsToTransaction(Map.of(new TopicPartition(topic, 0), new org.apache.kafka.clients.consumer.OffsetAndMetadata(42L)),
            new org.apache.kafka.clients.consumer.ConsumerGroupMetadata(group));
        successor.commitTransaction();
      }
      try {
        zombie.commitTransaction();
      } catch (Exception e) {
        fencedError = e.getClass().getSimpleName();
      }
    } finally {
      zombie.close(Duration.ofSeconds(5));
    }
    List<String> committed = readAll(bootstrap, topic, "read_committed");
    List<String> uncommitted = readAll(bootstrap, topic, "read_uncommitted");
    long groupOffset = -1;
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(adminProps)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (groupOffset != 42 && System.nanoTime() < deadline) {
        var offsets = admin.listConsumerGroupOffsets(group, new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions().requireStable(true))
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        var om = offsets.get(new TopicPartition(topic, 0));
        groupOffset = om == null ? -1 : om.offset();
        if (groupOffset != 42) Thread.sleep(100);
      }
    }
    OUT.println("{\"summary\":\"transactions\",\"fencedError\":" + json(fencedError) + ",\"committed\":" + jsonList(committed)
        + ",\"uncommitted\":" + jsonList(uncommitted) + ",\"groupOffset\":" + groupOffset + "}");
    return 0;
  }

  /**
   * A transaction that outlives its transaction.timeout.ms while its producer keeps sending: one record is sent,
   * then one every 250 ms (each awaited) until a send fails, for at most 30 s; then commitTransaction, then (if
   * that failed) abortTransaction, then a new transaction with one record ("after") and its commit. Reports the
   * exception class of each step ("none" when it succeeded) and what read_committed sees. Summarised as JSON.
   */
  private static int txnTimeout(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2), txnId = arg(args, 3);
    int timeoutMs = Integer.parseInt(arg(args, 4));
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    String sendError = "none", commitError = "none", abortError = "none", afterError = "none";
    int sentDuring = 0;
    long failedAfterMs = -1;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      producer.beginTransaction();
      long started = System.nanoTime();
      producer.send(new ProducerRecord<>(topic, 0, null, utf8("before"))).get(30, TimeUnit.SECONDS);
      for (long deadline = started + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < deadline; sentDuring++) {
        try {
          producer.send(new ProducerRecord<>(topic, 0, null, utf8("during-" + sentDuring))).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          sendError = e.getCause().getClass().getSimpleName();
          failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          break;
        } catch (Exception e) {
          sendError = e.getClass().getSimpleName();
          failedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          break;
        }
        Thread.sleep(250);
      }
      try {
        producer.commitTransaction();
      } catch (Exception e) {
        commitError = e.getClass().getSimpleName();
        try {
          producer.abortTransaction();
        } catch (Exception e2) {
          abortError = e2.getClass().getSimpleName();
        }
      }
      try {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, 0, null, utf8("after"))).get(30, TimeUnit.SECONDS);
        producer.commitTransaction();
      } catch (Exception e) {
        afterError = (e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e).getClass().getSimpleName();
      }
    }
    List<String> committed = readAll(bootstrap, topic, "read_committed");
    OUT.println("{\"summary\":\"txn-timeout\",\"sendError\":" + json(sendError) + ",\"failedAfterMs\":" + failedAfterMs + ",\"sentDuring\":" + sentDuring
        + ",\"commitError\":" + json(commitError) + ",\"abortError\":" + json(abortError) + ",\"afterError\":" + json(afterError)
        + ",\"committed\":" + jsonList(committed) + "}");
    return 0;
  }

  /** Every value of `topic` from the beginning to its end (the last stable offset for read_committed). */
  private static List<String> readAll(String bootstrap, String topic, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(30))) tps.add(new TopicPartition(topic, pi.partition()));
      tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        boolean done = true;
        for (TopicPartition tp : tps) if (consumer.position(tp) < end.get(tp)) done = false;
        if (done) break;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) values.add(new String(r.value(), StandardCharsets.UTF_8));
      }
    }
    values.sort(null);
    return values;
  }

  private static String jsonList(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) b.append(i == 0 ? "" : ",").append(json(values.get(i)));
    return b.append(']').toString();
  }

  // ---- create-topic ---------------------------------------------------------------------------------------

  private static int createTopic(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2);
    int partitions = Integer.parseInt(arg(args, 3));
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "gregor-java-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
      boolean listed = admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
      OUT.println("{\"summary\":\"create-topic\",\"topic\":" + json(topic) + ",\"partitions\":" + partitions
          + ",\"listed\":" + listed + "}");
      return listed ? 0 : 2;
    }
  }

  // ---- admin-lifecycle ------------------------------------------------------------------------------------

  /**
   * AdminClient's topic administration: describeCluster, describeConfigs, incrementalAlterConfigs (a valid
   * and an invalid value), createPartitions, deleteRecords and describeLogDirs, summarised as JSON.
   */
  private static int adminLifecycle(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "gregor-java-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      DescribeClusterResult cluster = admin.describeCluster();
      String clusterId = cluster.clusterId().get(30, TimeUnit.SECONDS);
      int controller = cluster.controller().get(30, TimeUnit.SECONDS).id();
      int brokers = cluster.nodes().get(30, TimeUnit.SECONDS).size();

      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(res, List.of(
          new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND))))
          .all().get(30, TimeUnit.SECONDS);
      Config config = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      ConfigEntry retention = config.get("retention.ms");
      ConfigEntry policy = config.get("cleanup.policy");
      ConfigEntry segment = config.get("segment.bytes");
      ConfigEntry flush = config.get("flush.ms");

      String invalidError = "none";
      try {
        admin.incrementalAlterConfigs(Map.of(res, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET))))
            .all().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        invalidError = e.getCause() instanceof InvalidConfigurationException
            ? "InvalidConfigurationException: " + e.getCause().getMessage() : e.getCause().toString();
      }

      admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get(30, TimeUnit.SECONDS);
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(topic).partitions().size();

      TopicPartition tp = new TopicPartition(topic, 0);
      long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5))).lowWatermarks()
          .get(tp).get(30, TimeUnit.SECONDS).lowWatermark();

      Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(controller)).allDescriptions()
          .get(30, TimeUnit.SECONDS).get(controller);
      long size0 = -1;
      for (LogDirDescription d : dirs.values()) {
        var info = d.replicaInfos().get(tp);
        if (info != null) size0 = info.size();
      }

      OUT.println("{\"summary\":\"admin-lifecycle\",\"clusterId\":" + json(clusterId) + ",\"controller\":" + controller
          + ",\"brokers\":" + brokers
          + ",\"retention\":" + json(retention.value()) + ",\"retentionSource\":" + json(retention.source().name())
          + ",\"policy\":" + json(policy.value()) + ",\"segmentBytes\":" + json(segment.value())
          + ",\"segmentSource\":" + json(segment.source().name()) + ",\"flushSource\":" + json(flush.source().name())
          + ",\"invalid\":" + json(invalidError) + ",\"partitions\":" + partitions + ",\"lowWatermark\":" + low
          + ",\"logDirs\":" + dirs.size() + ",\"size0\":" + size0 + "}");
      return 0;
    }
  }

  // ---- alter-configs --------------------------------------------------------------------------------------

  /**
   * One incrementalAlterConfigs request on a topic with the given operations (SET, DELETE, APPEND, SUBTRACT,
   * written OP:key=value), then describeConfigs: prints the value and source of each key named, or the error.
   */
  private static int alterConfigs(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2);
    List<AlterConfigOp> ops = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      String spec = args[i];
      int colon = spec.indexOf(':');
      int eq = spec.indexOf('=', colon);
      String key = eq < 0 ? spec.substring(colon + 1) : spec.substring(colon + 1, eq);
      String value = eq < 0 ? null : spec.substring(eq + 1);
      ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.valueOf(spec.substring(0, colon))));
      keys.add(key);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "gregor-java-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      String error = null;
      try {
        admin.incrementalAlterConfigs(Map.of(res, ops)).all().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        error = e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
      }
      Config config = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
      StringBuilder sb = new StringBuilder("{\"summary\":\"alter-configs\",\"error\":").append(json(error)).append(",\"configs\":{");
      boolean first = true;
      for (String key : new java.util.LinkedHashSet<>(keys)) {
        ConfigEntry entry = config.get(key);
        if (!first) sb.append(',');
        first = false;
        sb.append(json(key)).append(":{\"value\":").append(json(entry == null ? null : entry.value()))
            .append(",\"source\":").append(json(entry == null ? null : entry.source().name())).append('}');
      }
      OUT.println(sb.append("}}"));
      return 0;
    }
  }

  // ---- produce --------------------------------------------------------------------------------------------

  private record Ack(int partition, long offset, long timestamp) {}

  private static int produce(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2);
    int count = Integer.parseInt(arg(args, 3));
    String compression = option(args, "--compression", "none");
    String prefix = option(args, "--prefix", "");
    int pad = Integer.parseInt(option(args, "--pad", "0"));

    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "gregor-java-producer");
    // The Java defaults, spelled out: these are what the test is about.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

    Ack[] acks = new Ack[count];
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < count; i++) {
        final int n = i;
        ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topic, utf8(prefix + "key-" + i), utf8(value(prefix, i, pad)));
        rec.headers().add("seq", utf8(Integer.toString(i))).add("origin", utf8("java"));
        producer.send(rec, (RecordMetadata md, Exception e) -> {
          if (e != null) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, "record " + n + ": " + e);
          } else {
            acks[n] = new Ack(md.partition(), md.offset(), md.timestamp());
          }
        });
      }
      producer.flush();
      producer.close(Duration.ofSeconds(30));
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    int acked = 0;
    for (int i = 0; i < count; i++) {
      Ack a = acks[i];
      if (a == null) continue;
      acked++;
      OUT.println("{\"i\":" + i + ",\"p\":" + a.partition() + ",\"o\":" + a.offset() + ",\"ts\":" + a.timestamp() + "}");
    }
    OUT.println("{\"summary\":\"produce\",\"topic\":" + json(topic) + ",\"compression\":" + json(compression)
        + ",\"sent\":" + count + ",\"acked\":" + acked + ",\"errors\":" + errors.get()
        + ",\"firstError\":" + json(firstError.get()) + ",\"ms\":" + ms + "}");
    return acked == count && errors.get() == 0 ? 0 : 2;
  }

  static String value(String prefix, int i, int pad) {
    StringBuilder sb = new StringBuilder(prefix).append("value-").append(i);
    if (pad > 0) sb.append("abc".repeat(i % pad));
    return sb.toString();
  }

  // ---- consume --------------------------------------------------------------------------------------------

  private static int consume(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2);
    long expected = Long.parseLong(arg(args, 3));
    long timeoutMs = Long.parseLong(option(args, "--timeout-ms", "60000"));
    String fromTime = option(args, "--from-time", null);
    long tailMs = Long.parseLong(option(args, "--tail-ms", "300"));

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gregor-java-consumer");
    // No group.id: manual assignment, no coordinator, no committed offsets.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CHECK_CRCS_CONFIG, true);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, option(args, "--isolation", "read_uncommitted"));

    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    TreeMap<Integer, long[]> stats = new TreeMap<>(); // partition -> {count, first, last}
    Map<Integer, Long> startAt = new HashMap<>(); // partition -> position before the first poll
    long received = 0;
    long extra = 0;
    boolean timedOut = false;
    Map<TopicPartition, Long> beginning;
    Map<TopicPartition, Long> end;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : infos) tps.add(new TopicPartition(topic, pi.partition()));
      tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
      for (TopicPartition tp : tps) stats.put(tp.partition(), new long[] {0, -1, -1});
      consumer.assign(tps);
      if (fromTime == null) {
        consumer.seekToBeginning(tps);
      } else {
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : tps) query.put(tp, Long.parseLong(fromTime));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        for (TopicPartition tp : tps) {
          OffsetAndTimestamp at = found.get(tp);
          if (at == null) consumer.seekToEnd(List.of(tp));
          else consumer.seek(tp, at.offset());
        }
      }
      for (TopicPartition tp : tps) startAt.put(tp.partition(), consumer.position(tp, Duration.ofSeconds(30)));
      while (received < expected) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          timedOut = true;
          break;
        }
        ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500))));
        received += print(recs, stats);
      }
      // Anything past the expected count is reported, not hidden.
      if (!timedOut) {
        long extraUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(tailMs);
        while (System.nanoTime() < extraUntil) {
          ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(100));
          long n = print(recs, stats);
          received += n;
          extra += n;
        }
      }
      beginning = consumer.beginningOffsets(tps, Duration.ofSeconds(30));
      end = consumer.endOffsets(tps, Duration.ofSeconds(30));
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    StringBuilder sb = new StringBuilder("{\"summary\":\"consume\",\"topic\":").append(json(topic))
        .append(",\"count\":").append(received).append(",\"extra\":").append(extra)
        .append(",\"timedOut\":").append(timedOut).append(",\"ms\":").append(ms).append(",\"partitions\":{");
    boolean firstP = true;
    for (Map.Entry<Integer, long[]> e : stats.entrySet()) {
      if (!firstP) sb.append(',');
      firstP = false;
      TopicPartition tp = new TopicPartition(topic, e.getKey());
      long[] s = e.getValue();
      sb.append('"').append(e.getKey()).append("\":{\"count\":").append(s[0]).append(",\"first\":").append(s[1])
          .append(",\"last\":").append(s[2]).append(",\"start\":").append(startAt.get(e.getKey()))
          .append(",\"beginning\":").append(beginning.get(tp))
          .append(",\"end\":").append(end.get(tp)).append('}');
    }
    sb.append("}}");
    OUT.println(sb);
    return !timedOut && received == expected ? 0 : 3;
  }

  private static int groupConsume(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2), group = arg(args, 3);
    long durationMs = Long.parseLong(option(args, "--duration-ms", "10000"));
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gregor-java-group-member");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, "org.apache.kafka.clients.consumer.RangeAssignor");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    TreeMap<Integer, long[]> stats = new TreeMap<>();
    long received = 0;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic), new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(java.util.Collection<TopicPartition> parts) {}

        @Override
        public void onPartitionsAssigned(java.util.Collection<TopicPartition> parts) {
          StringBuilder sb = new StringBuilder("{\"assigned\":[");
          boolean first = true;
          for (TopicPartition tp : parts) {
            if (!first) sb.append(',');
            first = false;
            sb.append(tp.partition());
          }
          OUT.println(sb.append("]}"));
        }
      });
      while (System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(200));
        if (!recs.isEmpty()) {
          received += print(recs, stats);
          consumer.commitSync(Duration.ofSeconds(30));
          OUT.flush(); // a test watching the output sees each poll's records once they are committed
        }
      }
    }
    OUT.println("{\"summary\":\"group-consume\",\"count\":" + received + "}");
    return 0;
  }

  private static long print(ConsumerRecords<byte[], byte[]> recs, TreeMap<Integer, long[]> stats) {
    long n = 0;
    for (ConsumerRecord<byte[], byte[]> r : recs) {
      n++;
      long[] s = stats.computeIfAbsent(r.partition(), p -> new long[] {0, -1, -1});
      if (s[0]++ == 0) s[1] = r.offset();
      s[2] = r.offset();
      StringBuilder sb = new StringBuilder(128);
      sb.append("{\"p\":").append(r.partition()).append(",\"o\":").append(r.offset())
          .append(",\"k\":").append(json(r.key())).append(",\"v\":").append(json(r.value()))
          .append(",\"ts\":").append(r.timestamp()).append(",\"tt\":").append(json(r.timestampType().name))
          .append(",\"h\":[");
      boolean first = true;
      for (Header h : r.headers()) {
        if (!first) sb.append(',');
        first = false;
        sb.append('[').append(json(h.key())).append(',').append(json(h.value())).append(']');
      }
      sb.append("]}");
      OUT.println(sb);
    }
    return n;
  }

  // ---- JSON -----------------------------------------------------------------------------------------------

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String json(byte[] b) {
    return b == null ? "null" : json(new String(b, StandardCharsets.UTF_8));
  }

  static String json(String s) {
    if (s == null) return "null";
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * With the client security settings of a properties file (security.protocol, ssl.*, sasl.*): creates the
   * topic, produces `count` records with acks=all, consumes them back in a group. One summary line:
   * {"summary":"secure-roundtrip","produced":N,"consumed":N} or {"summary":"secure-roundtrip","error":"..."}.
   */
  private static int secureRoundtrip(String[] args) throws Exception {
    String bootstrap = arg(args, 1), topic = arg(args, 2), file = arg(args, 3);
    int count = Integer.parseInt(arg(args, 4));
    Properties security = new Properties();
    try (java.io.FileInputStream in = new java.io.FileInputStream(file)) {
      security.load(in);
    }
    try {
      Properties ap = new Properties();
      ap.putAll(security);
      ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (Admin admin = Admin.create(ap)) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
      }
      Properties pp = new Properties();
      pp.putAll(security);
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
        for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8)));
        producer.flush();
      }
      Properties cp = new Properties();
      cp.putAll(security);
      cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "secure-" + topic);
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      int consumed = 0;
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
        consumer.subscribe(List.of(topic));
        long deadline = System.currentTimeMillis() + 60_000;
        while (consumed < count && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (!new String(r.value(), StandardCharsets.UTF_8).equals("v" + r.offset())) throw new IllegalStateException("record " + r.offset() + " has the wrong value");
            consumed++;
          }
        }
        consumer.commitSync();
      }
      OUT.println("{\"summary\":\"secure-roundtrip\",\"produced\":" + count + ",\"consumed\":" + consumed + "}");
      return consumed == count ? 0 : 1;
    } catch (Exception e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      OUT.println("{\"summary\":\"secure-roundtrip\",\"error\":\"" + (root.getClass().getSimpleName() + ": " + root.getMessage()).replace("\\", "\\\\").replace("\"", "'") + "\"}");
      return 2;
    }
  }
}
