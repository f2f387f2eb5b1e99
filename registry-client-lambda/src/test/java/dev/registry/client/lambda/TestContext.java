package dev.registry.client.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written Lambda {@link Context}: an invoked ARN and the time left. Public for the
 * S3 backend's Lambda tests (the module's test-jar).
 */
public record TestContext(String invokedFunctionArn, int remainingMillis) implements Context {
  /** An invocation of the function {@code orders} through {@code alias}, 30 s left. */
  public static TestContext alias(String alias) {
    return new TestContext("arn:aws:lambda:eu-west-1:123456789012:function:orders:" + alias, 30_000);
  }

  static TestContext unqualified() {
    return new TestContext("arn:aws:lambda:eu-west-1:123456789012:function:orders", 30_000);
  }

  @Override
  public String getAwsRequestId() {
    return "req-1";
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/orders";
  }

  @Override
  public String getLogStreamName() {
    return "test";
  }

  @Override
  public String getFunctionName() {
    return "orders";
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return invokedFunctionArn;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return remainingMillis;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 512;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        System.out.println(message);
      }

      @Override
      public void log(byte[] message) {
        System.out.println(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
