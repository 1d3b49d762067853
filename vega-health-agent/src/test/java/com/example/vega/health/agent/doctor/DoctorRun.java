package com.example.vega.health.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.vega.health.testing.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code doctor <args> --json} in-process: the report as a map, checked for leaks and raw SDK text. */
final class DoctorRun {
  private DoctorRun() {}

  static Map<String, Object> json(Map<String, String> env, String... args) throws Exception {
    return json(env, "", Clock.systemUTC(), args);
  }

  static Map<String, Object> json(Map<String, String> env, String stdin, Clock clock, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    int code = Doctor.main(all.toArray(String[]::new), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        env::get, false, clock);
    String o = out.toString(StandardCharsets.UTF_8);
    assertThat(err.toString(StandardCharsets.UTF_8)).as(o).isEmpty();
    assertThat(o).doesNotContain(PostgresServer.PASSWORD).doesNotContain("Service returned HTTP status code")
        .doesNotContain("(Service: ").doesNotContain("Request ID:");
    Map<String, Object> json = JsonBody.parseObject(o);
    assertThat(json).containsEntry("exitCode", (double) code);
    return json;
  }

  @SuppressWarnings("unchecked")
  static List<String> strings(Map<String, Object> json, String field) {
    return (List<String>) json.get(field);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> hop(Map<String, Object> json, String name) {
    for (Object h : (List<?>) json.get("hops")) {
      Map<String, Object> m = (Map<String, Object>) h;
      if (name.equals(m.get("name"))) {
        return m;
      }
    }
    throw new AssertionError("no hop " + name + " in " + json.get("hops"));
  }

  static String text(Map<String, Object> hop, String field) {
    return String.valueOf(hop.get(field));
  }
}
