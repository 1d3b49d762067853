package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;

/**
 * Per-request override for every AWS call a check makes: one attempt (no SDK retries), bounded by
 * what is left of the check's budget less a small margin, so the SDK gives up before the monitor
 * abandons the run and the check still says what happened.
 */
final class AwsBudget implements Consumer<AwsRequestOverrideConfiguration.Builder> {
  /**
   * One attempt per check run. The check runs again on its next interval, and flap damping needs
   * several results to change the status, so the SDK's own retries only hide what the dependency
   * said (throttled, 5xx, refused) behind backoff sleeps that end in "no answer in time". Measured
   * in FaultMatrixIT: with the SDK's retries, throttling past a 500 ms timeout was first reported as
   * a timeout in some runs, detected as throttling only after 3 to 4 s.
   */
  private static final SdkPlugin NO_RETRIES =
      config -> config.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));

  private final CheckContext ctx;

  private AwsBudget(CheckContext ctx) {
    this.ctx = ctx;
  }

  /** The override for one call, taken when the call is made (the budget shrinks as the run goes). */
  static AwsBudget of(CheckContext ctx) {
    return new AwsBudget(ctx);
  }

  @Override
  public void accept(AwsRequestOverrideConfiguration.Builder o) {
    o.apiCallTimeout(callTimeout(ctx.remaining())).addPlugin(NO_RETRIES);
  }

  /**
   * The SDK's own timeout for a call with {@code left} of the check's budget: a little less, so the
   * SDK gives up first and the check can still say what the failed attempts were (throttled, 5xx)
   * before the monitor's deadline abandons the run and only "no answer in time" is known. Measured
   * in FaultMatrixIT: with the whole budget, a slow answer was often reported by the monitor's
   * generic deadline rather than by the check.
   */
  static Duration callTimeout(Duration left) {
    long ms = left.toMillis();
    long margin = Math.min(250, Math.max(25, ms / 5));
    return Duration.ofMillis(Math.max(1, ms - margin));
  }
}
