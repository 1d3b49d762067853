package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import com.example.vega.health.agent.Text;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * "Check CloudWatch logs for the failing service": the lines of a service's log group (or of one
 * task's own stream) that match what the runbook looks for, the newest first, and the
 * {@code aws logs tail} command that follows them live. Lines are matched here rather than by a
 * CloudWatch filter pattern, so that one reading finds every pattern, case-insensitively.
 */
final class LogsHop {
  /** What the runbook looks for in logs, most specific first; a line counts for the first it matches. */
  static final Map<String, Pattern> PATTERNS = patterns();
  static final int MAX_PAGES = 10;
  /** How many time windows {@code --since} is read in, newest first (each at least a minute). */
  static final int WINDOWS = 10;

  private LogsHop() {}

  private static Map<String, Pattern> patterns() {
    Map<String, Pattern> m = new LinkedHashMap<>();
    // The module's own status-change lines (MonitorState): a check that went DOWN names itself.
    m.put("vega-health status", Pattern.compile("vega-health: \\S+ is (DOWN|DEGRADED|UNKNOWN)\\b"));
    m.put("finding_upsert", Pattern.compile("finding_upsert", Pattern.CASE_INSENSITIVE));
    m.put("RunTask", Pattern.compile("RunTask\\b.*(fail|error|denied|exception)|(fail|error|denied|exception).*RunTask\\b",
        Pattern.CASE_INSENSITIVE));
    m.put("provider authentication", Pattern.compile("provider.*(401|403|unauthori[sz]ed|authentication|invalid[ _]api[ _]key"
        + "|incorrect api key)|(401|403|unauthori[sz]ed|authentication|invalid[ _]api[ _]key).*provider",
        Pattern.CASE_INSENSITIVE));
    m.put("startup", Pattern.compile("cannot start|failed to start|application run failed|error starting|"
        + "APPLICATION FAILED TO START", Pattern.CASE_INSENSITIVE));
    m.put("SEVERE/ERROR/Exception", Pattern.compile("\\b(SEVERE|ERROR)\\b|Exception\\b",
        Pattern.CASE_INSENSITIVE));
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The runbook's name for a line, or null when it is not one the runbook looks for. */
  static @Nullable String match(String line) {
    for (Map.Entry<String, Pattern> e : PATTERNS.entrySet()) {
      if (e.getValue().matcher(line).find()) {
        return e.getKey();
      }
    }
    return null;
  }

  /** The service's log group, {@code /vega/<env>/<service>}, over the last {@code since}. */
  static Hop group(Context ctx, String service, Duration since, int lines) throws CannotRun {
    String group = ctx.logGroup(service);
    String hop = "logs " + group;
    String tail = "aws logs tail " + group + " --since " + since.toMinutes() + "m --follow";
    long start = System.nanoTime();
    CloudWatchLogsClient logs = ctx.aws(a -> a.logs());
    Found found = new Found(lines);
    long now = ctx.clock.instant().toEpochMilli();
    long from = now - since.toMillis();
    // FilterLogEvents pages oldest first: windows stepped back from now read the newest lines first,
    // so a busy window spends the page budget on what happened last, not on what happened first.
    long step = Math.max(Duration.ofMinutes(1).toMillis(), since.toMillis() / WINDOWS);
    long readFrom = now;
    int pages = 0;
    try {
      for (long end = now; end > from && pages < MAX_PAGES; end -= step) {
        long windowEnd = end;
        long windowStart = Math.max(from, end - step);
        String next = null;
        do {
          FilterLogEventsRequest.Builder b = FilterLogEventsRequest.builder().logGroupName(group)
              .startTime(windowStart).endTime(windowEnd == now ? now : windowEnd - 1).limit(1000).nextToken(next);
          FilterLogEventsResponse r = logs.filterLogEvents(b.build());
          for (FilteredLogEvent e : r.events()) {
            found.add(e.timestamp(), e.message());
          }
          next = r.nextToken();
          pages++;
        } while (next != null && pages < MAX_PAGES);
        readFrom = next == null ? windowStart : -1;
      }
    } catch (ResourceNotFoundException e) {
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "log group " + group + " does not exist",
          Runbook.LOG_GROUP_MISSING.text("service", service));
    } catch (SdkException e) {
      return Failure.aws(e, "CloudWatch Logs", "logs:FilterLogEvents").hop(hop, Hop.since(start), ctx);
    }
    String window = "in the last " + since.toMinutes() + " min";
    if (readFrom != from) {
      window += " (" + MAX_PAGES + " pages read, newest first" + (readFrom > 0 ? ", back to "
          + Instant.ofEpochMilli(readFrom) : "") + ")";
    }
    return found.hop(hop, Hop.since(start), window, tail);
  }

  /** One task's own stream ({@code <prefix>/<container>/<task id>}): its newest lines. */
  static Hop stream(Context ctx, String group, String stream, int lines) throws CannotRun {
    String hop = "logs " + stream;
    String tail = "aws logs tail " + group + " --log-stream-names " + stream + " --since 1h --follow";
    long start = System.nanoTime();
    Found found = new Found(lines);
    List<OutputLogEvent> events;
    try {
      events = ctx.aws(a -> a.logs()).getLogEvents(b -> b.logGroupName(group).logStreamName(stream)
          .startFromHead(false).limit(1000)).events();
    } catch (ResourceNotFoundException e) {
      return Hop.of(hop, Status.UNKNOWN, Hop.since(start), "no stream " + stream + " in " + group
          + ": the task wrote no line (it did not start), or the task definition logs elsewhere",
          Runbook.LOG_GROUP_MISSING.text("service", "vega-v16-runner"));
    } catch (SdkException e) {
      return Failure.aws(e, "CloudWatch Logs", "logs:GetLogEvents").hop(hop, Hop.since(start), ctx);
    }
    String last = null;
    for (OutputLogEvent e : events) {
      found.add(e.timestamp(), e.message());
      last = e.message();
    }
    Hop h = found.hop(hop, Hop.since(start), "of the task's " + events.size() + " newest lines", tail);
    if (h.status() == Status.UP && last != null) {
      return h.withEvidence(List.of("last line: " + Text.oneLine(last, 240)));
    }
    return h;
  }

  /** The matching lines read so far: the newest {@code lines} of them, and a count per pattern. */
  private static final class Found {
    private record Line(long timestamp, String text) {}

    private final int lines;
    private final List<Line> newest = new ArrayList<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int read;
    private int matched;

    Found(int lines) {
      this.lines = lines;
    }

    void add(@Nullable Long timestamp, @Nullable String message) {
      read++;
      if (message == null) {
        return;
      }
      String kind = match(message);
      if (kind == null) {
        return;
      }
      matched++;
      counts.merge(kind, 1, Integer::sum);
      long at = timestamp == null ? 0 : timestamp;
      newest.add(new Line(at, Instant.ofEpochMilli(at) + " [" + kind + "] " + Text.oneLine(message)));
      // Windows come newest first, lines within one oldest first: keep the newest few by time.
      newest.sort(java.util.Comparator.comparingLong(Line::timestamp).reversed());
      if (newest.size() > lines) {
        newest.remove(newest.size() - 1);
      }
    }

    Hop hop(String name, long ms, String window, String tail) {
      if (matched == 0) {
        return new Hop(name, Status.UP, ms, "no error lines " + window + " (" + read + " read)", "",
            List.of("follow live: " + tail));
      }
      List<String> kinds = new ArrayList<>();
      counts.forEach((k, n) -> kinds.add(n + " " + k));
      List<String> evidence = new ArrayList<>();
      for (Line l : newest) {
        evidence.add(l.text());
      }
      return new Hop(name, Status.DEGRADED, ms, matched + " lines " + window + " match the runbook: "
          + String.join(", ", kinds), Runbook.LOG_LINES.text("tail", tail), evidence);
    }
  }
}
