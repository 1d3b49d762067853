package com.example.vega.health.checks;

import com.example.vega.health.VegaRole;
import com.example.vega.health.DependencyCall;
import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckPolicy;
import com.example.vega.health.CheckRegistration;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ComponentType;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.HealthCheck;
import com.example.vega.health.Setting;
import com.example.vega.health.Validated;
import com.example.vega.health.VegaSettings;
import com.example.vega.health.Caller;
import com.example.vega.health.Failures;
import com.example.vega.health.checks.internal.HttpFailures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;

/**
 * Login for vega-api: {@code VEGA_AUTH_PROVIDER} is {@code cognito} where production rules apply,
 * the region, user pool id and app client id are present and consistent, and the pool's JWKS (the
 * keys the API validates tokens with) is reachable and holds keys. Given the service's Cognito
 * client, the app client id is also looked up in the pool (DescribeUserPoolClient): a client the
 * pool does not have is DOWN. The issuer is named in the result.
 */
public final class CognitoCheck implements HealthCheck {
  private static final Pattern KID = Pattern.compile("\"kid\"\\s*:");
  private static final int MAX_JWKS = 256 * 1024;

  private final HttpClient http;
  private final VegaSettings settings;
  private final @Nullable URI issuerBase;
  private final VegaRole role;
  private final @Nullable AppClientLookup appClients;
  private final String environment;

  private CognitoCheck(Builder b) {
    this.http = b.http;
    this.settings = b.settings;
    this.issuerBase = b.issuerBase;
    this.role = b.role;
    this.appClients = b.appClients;
    this.environment = Setting.ENVIRONMENT.read(b.settings).orElse(Caller.UNKNOWN_ENVIRONMENT);
  }

  /** In a role profile: where Cognito is the provider, or production rules require it. */
  static @Nullable CheckRegistration inProfile(Profile p, CheckPolicy policy) {
    if (!p.is(Setting.AUTH_PROVIDER, "cognito") && !p.productionLike()) {
      return null;
    }
    Builder b = builder(p.http(), p.settings()).role(p.role());
    URI base = p.clients().cognitoIssuerBase();
    if (base != null) {
      b.issuerBase(base);
    }
    // Optional, like CloudWatch for the sqs check: without it the JWKS alone is checked.
    CognitoIdentityProviderClient cognito = p.clients().cognito();
    if (cognito != null) {
      b.userPoolClients(cognito);
    }
    return b.build().registration(policy);
  }

  /** A check of the Cognito settings in {@code settings}, fetching the JWKS with {@code http}. */
  public static Builder builder(HttpClient http, VegaSettings settings) {
    return new Builder(http, settings);
  }

  /** Registered as {@code cognito}, a component measured by the JWKS {@code keys}. */
  public CheckRegistration registration(CheckPolicy policy) {
    return new CheckRegistration("cognito", ComponentType.COMPONENT, "keys", policy, this);
  }

  /** The issuer tokens of this pool carry: {@code https://cognito-idp.<region>.amazonaws.com/<poolId>}. */
  public static String issuer(String region, String poolId) {
    return "https://cognito-idp." + region + ".amazonaws.com/" + poolId;
  }

  @Override
  public CheckResult check(CheckContext ctx) throws InterruptedException {
    List<Validated.Problem> problems = ConfigCheck.authProblems(role, settings);
    if (!problems.isEmpty()) {
      Validated.Problem p = problems.get(0);
      return CheckResult.down(ErrorKind.MISCONFIGURED, p.message(),
          p.hint().startsWith("confirm") ? p.hint() : p.hint() + "; then confirm VEGA_COGNITO_REGION, "
              + "VEGA_COGNITO_USER_POOL_ID and VEGA_COGNITO_APP_CLIENT_ID are correct");
    }
    String provider = Setting.AUTH_PROVIDER.raw(settings);
    if (!"cognito".equals(provider)) {
      return CheckResult.up("Cognito not used: VEGA_AUTH_PROVIDER is " + provider + " in environment "
          + Setting.ENVIRONMENT.raw(settings));
    }
    String region = Objects.requireNonNull(Setting.COGNITO_REGION.raw(settings));
    String pool = Objects.requireNonNull(Setting.COGNITO_USER_POOL_ID.raw(settings));
    String issuer = issuer(region, pool);
    URI jwks = issuerBase == null
        ? URI.create(issuer + "/.well-known/jwks.json")
        : URI.create(stripSlash(issuerBase.toString()) + "/" + pool + "/.well-known/jwks.json");
    String confirm = "confirm VEGA_COGNITO_REGION, VEGA_COGNITO_USER_POOL_ID and "
        + "VEGA_COGNITO_APP_CLIENT_ID are correct in the " + role.serviceName() + " task definition";
    String reach = "the " + role.serviceName() + " task needs outbound HTTPS to cognito-idp." + region
        + ".amazonaws.com: check its security group and NAT route";

    HttpResponse<byte[]> response;
    long start = System.nanoTime();
    try {
      response = Http.send(http, HttpRequest.newBuilder(jwks).GET().header("Accept", "application/json"),
          HttpResponse.BodyHandlers.ofByteArray(), ctx);
    } catch (java.net.http.HttpConnectTimeoutException e) {
      return CheckResult.down(ErrorKind.CONNECT_TIMEOUT, "no connection to the JWKS of " + issuer + " in time", reach)
          .with("issuer", issuer, null);
    } catch (HttpTimeoutException e) {
      return CheckResult.down(ErrorKind.TIMEOUT, "no answer from the JWKS of " + issuer + " in time",
          noAnswer(region)).with("issuer", issuer, null);
    } catch (IOException e) {
      ErrorKind net = Failures.network(e);
      ErrorKind kind = net == ErrorKind.UNKNOWN_HOST || net == ErrorKind.CONNECTION_REFUSED ? net : ErrorKind.OTHER;
      return CheckResult.down(kind, "the JWKS of " + issuer + " is unreachable ("
          + (kind == ErrorKind.OTHER ? e.getClass().getSimpleName() : kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')) + ")",
          reach).with("issuer", issuer, null);
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    int code = response.statusCode();
    // No credentials are sent (the JWKS is public); any other 4xx means Cognito knows no such pool.
    ErrorKind kind = HttpFailures.kind(code, false, ErrorKind.NOT_FOUND);
    CheckResult result;
    if (kind != ErrorKind.NONE) {
      result = switch (kind) {
        case SERVER_ERROR -> HttpFailures.result(kind, "the JWKS of " + issuer + " answered " + code,
            "a transient Cognito error: the check tries again on its next run");
        case THROTTLED -> HttpFailures.result(kind, "the JWKS of " + issuer + " answered 429",
            "Cognito is rate limiting this account: the check tries again on its next run; if it "
                + "persists, cache the JWKS in the " + role.serviceName() + " instead of fetching it per request");
        case ACCESS_DENIED, AUTHENTICATION -> HttpFailures.result(kind, "the JWKS of " + issuer + " answered " + code,
            "the JWKS is public, so the " + code + " comes from between the task and Cognito (an egress proxy or "
                + "firewall, a VPC endpoint policy): " + reach);
        default -> HttpFailures.result(kind, "no user pool " + pool + " in " + region + " (JWKS answered " + code + ")",
            "wrong region or pool: " + confirm);
      };
    } else {
      int keys = count(response.body());
      result = keys == 0
          ? CheckResult.down(ErrorKind.NOT_FOUND, "the JWKS of " + issuer + " holds no keys",
              "tokens cannot be validated without keys: " + confirm)
          : appClient(ctx, pool, region, "issuer " + issuer + " publishes " + keys + " signing key" + (keys == 1 ? "" : "s"));
      result = result.with("keys", keys, null);
    }
    return result.with("issuer", issuer, null).with("responseTime", ms, "ms");
  }

  /** The pool answers: with a Cognito client, does it have the app client too? */
  private CheckResult appClient(CheckContext ctx, String pool, String region, String keys) {
    String clientId = Setting.COGNITO_APP_CLIENT_ID.raw(settings);
    if (appClients == null || clientId == null) {
      return CheckResult.up(keys);
    }
    Caller who = new Caller(role.hintName(), environment, region, Caller.UNKNOWN_CLUSTER, Caller.logsHintOf(settings));
    AppClientLookup.Outcome o = appClients.describe(ctx, pool, clientId, region, who);
    CheckResult problem = o.problem();
    return problem != null ? problem : CheckResult.up(keys + "; app client " + o.clientName() + " is in the pool");
  }

  private static int count(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, MAX_JWKS), java.nio.charset.StandardCharsets.UTF_8);
    Matcher m = KID.matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** The JWKS, fetched once per run where Cognito is the provider. */
  @Override
  public List<DependencyCall> callsPerRun() {
    return "cognito".equals(Setting.AUTH_PROVIDER.raw(settings))
        ? List.of(new DependencyCall("cognito-idp", "GET jwks.json", 1)) : List.of();
  }

  @Override
  public CheckResult onTimeout(Duration timeout) {
    String region = Setting.COGNITO_REGION.raw(settings);
    String host = "cognito-idp." + (region == null ? "<region>" : region) + ".amazonaws.com";
    return CheckResult.down(ErrorKind.TIMEOUT, "no answer from " + host + " within " + timeout.toMillis() + "ms",
        noAnswer(region == null ? "<region>" : region));
  }

  private String noAnswer(String region) {
    String host = "cognito-idp." + region + ".amazonaws.com";
    return Failures.noAnswerHint(host, "the " + role.serviceName() + " task", host + " (NAT route or VPC endpoint)");
  }

  /** Builds a {@link CognitoCheck}. */
  public static final class Builder {
    private final HttpClient http;
    private final VegaSettings settings;
    private @Nullable URI issuerBase;
    private VegaRole role = VegaRole.API;
    private @Nullable AppClientLookup appClients;

    private Builder(HttpClient http, VegaSettings settings) {
      this.http = Objects.requireNonNull(http, "http");
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Where to fetch {@code <poolId>/.well-known/jwks.json} instead of
     * {@code https://cognito-idp.<region>.amazonaws.com} (tests, private endpoints). The issuer
     * named in results stays Cognito's.
     */
    public Builder issuerBase(URI base) {
      this.issuerBase = Objects.requireNonNull(base, "base");
      return this;
    }

    /**
     * Look VEGA_COGNITO_APP_CLIENT_ID up in the pool with DescribeUserPoolClient through the
     * service's own client (its task role needs cognito-idp:DescribeUserPoolClient on the pool).
     */
    public Builder userPoolClients(CognitoIdentityProviderClient cognito) {
      this.appClients = new AppClientLookup(cognito);
      return this;
    }

    /** The role whose task definition the hints name; default {@link VegaRole#API}. */
    public Builder role(VegaRole role) {
      this.role = Objects.requireNonNull(role, "role");
      return this;
    }

    public CognitoCheck build() {
      if (issuerBase != null && (issuerBase.getScheme() == null || issuerBase.getHost() == null)) {
        throw new IllegalArgumentException("issuerBase must be an absolute http(s) URL");
      }
      return new CognitoCheck(this);
    }
  }
}
