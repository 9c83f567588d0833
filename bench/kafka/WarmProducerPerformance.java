// Kafka's own ProducerPerformance, run twice in one JVM: a warm-up pass, then the measured pass. A fresh
// JVM spends its first seconds interpreting and compiling the producer, and at a fixed target rate the
// records it cannot send yet queue in the producer; in a run of a few seconds that start-up lag is the p99
// whichever broker is on the other side. The second pass runs with a compiled client (and a new producer:
// new connections, metadata, producer id), so its latency is the broker's and the steady client's.
//
//   java -cp target/classes:target/lib/* org.apache.kafka.tools.WarmProducerPerformance <warm-up args> -- <measured args>
//
// Both argument lists are ProducerPerformance's. It lives in ProducerPerformance's package to call its
// package-private start(String[]) (the same code main runs). Compiled by bench/kafka/side-by-side.ts.
package org.apache.kafka.tools;

import java.util.Arrays;

public final class WarmProducerPerformance {
    private WarmProducerPerformance() {
    }

    public static void main(String[] args) throws Exception {
        int split = Arrays.asList(args).indexOf("--");
        if (split < 0) {
            throw new IllegalArgumentException("usage: <warm-up ProducerPerformance args> -- <measured ProducerPerformance args>");
        }
        String[] warm = Arrays.copyOfRange(args, 0, split);
        String[] measured = Arrays.copyOfRange(args, split + 1, args.length);
        if (warm.length > 0) {
            System.out.println("== warm-up");
            new ProducerPerformance().start(warm);
        }
        System.out.println("== measured");
        new ProducerPerformance().start(measured);
    }
}
