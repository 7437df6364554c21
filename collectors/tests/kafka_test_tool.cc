// Test helper for tests/kafka_ingest, on the same librdkafka as driftd:
//
//   kafka_test_tool committed BOOTSTRAP GROUP TOPIC PARTITIONS
//       prints a group's committed offsets without joining it, one
//       "PARTITION OFFSET" line each (OFFSET -1 when none).
//   kafka_test_tool produce BOOTSTRAP TOPIC PARTITION < lines
//       produces every line of standard input, empty ones included (kcat
//       skips those), as one message, in order, and waits for delivery.
#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace {

rd_kafka_t* NewHandle(rd_kafka_type_t type, const char* bootstrap, const char* group) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  bool ok = rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr) ==
            RD_KAFKA_CONF_OK;
  if (ok && group) {
    ok = rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr) == RD_KAFKA_CONF_OK;
  }
  if (ok && type == RD_KAFKA_PRODUCER) {
    ok = rd_kafka_conf_set(conf, "enable.idempotence", "true", errstr, sizeof errstr) ==
         RD_KAFKA_CONF_OK;
  }
  rd_kafka_t* rk = ok ? rd_kafka_new(type, conf, errstr, sizeof errstr) : nullptr;
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    std::fprintf(stderr, "kafka_test_tool: %s\n", errstr);
  }
  return rk;
}

int Committed(char** argv) {
  rd_kafka_t* rk = NewHandle(RD_KAFKA_CONSUMER, argv[0], argv[1]);
  if (rk == nullptr) return 1;
  const int partitions = std::atoi(argv[3]);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list, argv[2], p);
  const rd_kafka_resp_err_t err = rd_kafka_committed(rk, list, 15000);
  int rc = 0;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "kafka_test_tool: %s\n", rd_kafka_err2str(err));
    rc = 1;
  } else {
    for (int i = 0; i < list->cnt; ++i) {
      const auto& p = list->elems[i];
      std::printf("%d %lld\n", p.partition, static_cast<long long>(p.offset < 0 ? -1 : p.offset));
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return rc;
}

int Produce(char** argv) {
  rd_kafka_t* rk = NewHandle(RD_KAFKA_PRODUCER, argv[0], nullptr);
  if (rk == nullptr) return 1;
  const int partition = std::atoi(argv[2]);
  std::string line;
  int rc = 0;
  while (rc == 0 && std::getline(std::cin, line)) {
    while (true) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(argv[1]), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_VALUE(line.data(), line.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk, 100);
        continue;
      }
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "kafka_test_tool: produce: %s\n", rd_kafka_err2str(err));
        rc = 1;
      }
      break;
    }
    rd_kafka_poll(rk, 0);
  }
  if (rd_kafka_flush(rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "kafka_test_tool: messages left undelivered\n");
    rc = 1;
  }
  rd_kafka_destroy(rk);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::strcmp(argv[1], "committed") == 0) return Committed(argv + 2);
  if (argc == 5 && std::strcmp(argv[1], "produce") == 0) return Produce(argv + 2);
  std::fprintf(stderr,
               "usage: kafka_test_tool committed BOOTSTRAP GROUP TOPIC PARTITIONS\n"
               "       kafka_test_tool produce BOOTSTRAP TOPIC PARTITION < lines\n");
  return 2;
}
