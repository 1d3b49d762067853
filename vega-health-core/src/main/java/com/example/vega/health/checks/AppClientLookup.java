package com.example.vega.health.checks;

import com.example.vega.health.CheckContext;
import com.example.vega.health.CheckResult;
import com.example.vega.health.ErrorKind;
import com.example.vega.health.checks.internal.AwsFailures;
import com.example.vega.health.Caller;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ResourceNotFoundException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/**
 * The cognito check's second question, apart so that CognitoCheck loads without the Cognito SDK:
 * does {@code VEGA_COGNITO_APP_CLIENT_ID} name an app client of the pool (DescribeUserPoolClient)?
 * A token of another client is rejected by the API whatever the user does.
 */
final class AppClientLookup {
  private final CognitoIdentityProviderClient cognito;

  AppClientLookup(CognitoIdentityProviderClient cognito) {
    this.cognito = Objects.requireNonNull(cognito, "cognito");
  }

  /** The app client's name when the pool has it; otherwise the result that says why not. */
  Outcome describe(CheckContext ctx, String pool, String clientId, String region, Caller who) {
    AwsBudget budget = AwsBudget.of(ctx);
    try {
      UserPoolClientType c = cognito.describeUserPoolClient(r -> r.userPoolId(pool).clientId(clientId)
          .overrideConfiguration(budget)).userPoolClient();
      return new Outcome(c == null || c.clientName() == null ? clientId : c.clientName(), null);
    } catch (ResourceNotFoundException e) {
      return new Outcome(null, CheckResult.down(ErrorKind.NOT_FOUND,
          "app client " + clientId + " does not exist in user pool " + pool,
          "tokens from the login page carry another client_id and the API rejects them: set "
              + "VEGA_COGNITO_APP_CLIENT_ID in the " + who.serviceName() + " task definition to one of the pool's "
              + "app clients (aws cognito-idp list-user-pool-clients --user-pool-id " + pool + " --region "
              + region + ")"));
    } catch (SdkException e) {
      if (AwsFailures.isAccessDenied(e)) {
        // No evidence about the client, and no reason to take the API out of the load balancer.
        return new Outcome(null, CheckResult.degraded(ErrorKind.ACCESS_DENIED,
            "the app client could not be checked: cognito-idp:DescribeUserPoolClient denied on " + pool,
            "give the " + who.role() + " task role cognito-idp:DescribeUserPoolClient on the pool, or stop "
                + "passing a Cognito client to Vega Health: " + who.iamHint()));
      }
      return new Outcome(null, AwsFailures.of(e, "Cognito", "cognito-idp:DescribeUserPoolClient",
          "user pool " + pool, who));
    }
  }

  /** Either the client's name or the result to report. */
  record Outcome(@Nullable String clientName, @Nullable CheckResult problem) {}
}
