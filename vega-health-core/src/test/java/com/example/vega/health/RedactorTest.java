package com.example.vega.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactorTest {
  private final Redactor redactor = Redactor.of(List.of("planted-secret-value"));

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "postgresql://vega:pw123@db:5432/vega | postgresql://vega:****@db:5432/vega",
      "jdbc:postgresql://db/vega?user=vega&password=pw123 | jdbc:postgresql://db/vega?user=vega&password=****",
      "Authorization: Bearer abc.def.ghi | Authorization: Bearer ****",
      "token=xyz and secret: shh | token=**** and secret: ****",
      "the value planted-secret-value leaked | the value **** leaked",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part here | jwt **** here",
      "nothing to hide here | nothing to hide here"
  })
  void masksSecrets(String in, String out) {
    assertThat(redactor.redact(in)).isEqualTo(out);
  }
}
