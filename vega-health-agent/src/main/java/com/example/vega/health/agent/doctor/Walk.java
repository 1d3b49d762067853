package com.example.vega.health.agent.doctor;

import com.example.vega.health.Status;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;

/** Runs steps in the runbook's order over one context, stopping where the runbook says to. */
final class Walk {
  private Walk() {}

  static List<Hop> run(Context ctx, List<Step> steps) throws CannotRun {
    List<Hop> hops = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      ctx.progress(s.name());
      long start = System.nanoTime();
      List<Hop> found;
      try {
        found = s.body().run(ctx);
      } catch (SdkException e) {
        // A step that did not classify an AWS failure itself still reads as one sentence.
        found = List.of(Failure.aws(e, s.name()).hop(s.name(), Hop.since(start), ctx));
      }
      hops.addAll(found);
      if (s.stopsWhenDown() && found.stream().anyMatch(h -> h.status() == Status.DOWN) && i + 1 < steps.size()) {
        List<String> rest = new ArrayList<>();
        for (Step r : steps.subList(i + 1, steps.size())) {
          rest.add(r.name());
        }
        ctx.note("not checked after " + s.name() + " (DOWN): " + String.join(", ", rest));
        break;
      }
    }
    return hops;
  }
}
