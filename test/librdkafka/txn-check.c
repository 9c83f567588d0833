/*
 * librdkafka's transactional producer against a broker, for Gregor's integration tests (kcat cannot run
 * transactions). Built by the test with: cc -o txn-check txn-check.c -lrdkafka (Debian's librdkafka-dev).
 *
 *   txn-check <bootstrap> <topic> <transactional.id> <group>
 *
 * Commits three records, aborts two (after they were written), commits one more together with the group's
 * offset 7 for partition 0 (send_offsets_to_transaction), then reads partition 0 of the topic from the
 * beginning with a read_committed and a read_uncommitted consumer until the last committed record. Prints
 * one JSON line: {"committed":[...],"uncommitted":[...]} and exits 0, or prints the failure on stderr and
 * exits 1.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die(const char *what, const char *why) {
  fprintf(stderr, "txn-check: %s: %s\n", what, why);
  exit(1);
}

static void check(const char *what, rd_kafka_error_t *err) {
  if (!err) return;
  char why[512];
  snprintf(why, sizeof why, "%s", rd_kafka_error_string(err));
  rd_kafka_error_destroy(err);
  die(what, why);
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK) die(key, err);
}

static void produce(rd_kafka_t *rk, const char *topic, const char *value) {
  rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
                                              RD_KAFKA_V_VALUE((void *)value, strlen(value)), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  if (err) die("produce", rd_kafka_err2str(err));
}

/* Prints the values of partition 0 from the beginning until `last` arrived (then 500 ms more) as a JSON array. */
static void read_values(const char *bootstrap, const char *topic, const char *isolation, const char *last) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char err[512];
  char group[64];
  snprintf(group, sizeof group, "txn-check-reader-%ld-%s", (long)time(NULL), isolation);
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "group.id", group);
  set(conf, "isolation.level", isolation);
  set(conf, "enable.auto.commit", "false");
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) die("consumer", err);
  rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t aerr = rd_kafka_assign(rk, parts);
  if (aerr) die("assign", rd_kafka_err2str(aerr));
  rd_kafka_topic_partition_list_destroy(parts);
  printf("[");
  int n = 0;
  time_t deadline = time(NULL) + 60;
  long long tail_until = 0;
  for (;;) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long long now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (tail_until && now_ms > tail_until) break;
    if (time(NULL) > deadline) die(isolation, "timed out before the last committed record");
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) die(isolation, rd_kafka_message_errstr(m));
    } else {
      printf("%s\"%.*s\"", n++ ? "," : "", (int)m->len, (const char *)m->payload);
      if (m->len == strlen(last) && memcmp(m->payload, last, m->len) == 0) tail_until = now_ms + 500;
    }
    rd_kafka_message_destroy(m);
  }
  printf("]");
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: txn-check <bootstrap> <topic> <transactional.id> <group>\n");
    return 64;
  }
  const char *bootstrap = argv[1], *topic = argv[2], *txn_id = argv[3], *group = argv[4];
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "transactional.id", txn_id);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("producer", err);

  check("init_transactions", rd_kafka_init_transactions(rk, 60000));
  check("begin", rd_kafka_begin_transaction(rk));
  produce(rk, topic, "rd-commit-0");
  produce(rk, topic, "rd-commit-1");
  produce(rk, topic, "rd-commit-2");
  check("commit", rd_kafka_commit_transaction(rk, 60000));

  check("begin", rd_kafka_begin_transaction(rk));
  produce(rk, topic, "rd-abort-0");
  produce(rk, topic, "rd-abort-1");
  if (rd_kafka_flush(rk, 60000)) die("flush", "records not delivered");
  check("abort", rd_kafka_abort_transaction(rk, 60000));

  check("begin", rd_kafka_begin_transaction(rk));
  produce(rk, topic, "rd-commit-3");
  rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(offsets, topic, 0)->offset = 7;
  rd_kafka_consumer_group_metadata_t *cgmd = rd_kafka_consumer_group_metadata_new(group);
  check("send_offsets_to_transaction", rd_kafka_send_offsets_to_transaction(rk, offsets, cgmd, 60000));
  rd_kafka_consumer_group_metadata_destroy(cgmd);
  rd_kafka_topic_partition_list_destroy(offsets);
  check("commit", rd_kafka_commit_transaction(rk, 60000));
  rd_kafka_destroy(rk);

  printf("{\"committed\":");
  read_values(bootstrap, topic, "read_committed", "rd-commit-3");
  printf(",\"uncommitted\":");
  read_values(bootstrap, topic, "read_uncommitted", "rd-commit-3");
  printf("}\n");
  return 0;
}
