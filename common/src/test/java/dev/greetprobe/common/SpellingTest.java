package dev.greetprobe.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpellingTest {

  private static final List<String> KNOWN = List.of("address", "interval", "name", "port", "host", "timeout");

  @Test
  void aKeyOneOrTwoEditsFromAKnownOneIsThatKeyMisspelt() {
    assertThat(Spelling.meant("adress", KNOWN)).contains("address");
    assertThat(Spelling.meant("timout", KNOWN)).contains("timeout");
    assertThat(Spelling.meant("intervall", KNOWN)).contains("interval");
    assertThat(Spelling.meant("prot", KNOWN)).contains("port");
  }

  @Test
  void aShortKeyAllowsOneEditAndAnUnrelatedKeyMatchesNothing() {
    assertThat(Spelling.meant("hots", KNOWN)).contains("host");
    assertThat(Spelling.meant("pt", KNOWN)).as("two edits from port, a short key").isEmpty();
    assertThat(Spelling.meant("path", KNOWN)).isEmpty();
    assertThat(Spelling.meant("colour", KNOWN)).isEmpty();
    assertThat(Spelling.meant("address", KNOWN)).as("a known key is no slip of itself").isEmpty();
  }

  @Test
  void theDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps() {
    assertThat(Spelling.distance("adress", "address")).isEqualTo(1);
    assertThat(Spelling.distance("prot", "port")).isEqualTo(1);
    assertThat(Spelling.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Spelling.distance("", "port")).isEqualTo(4);
  }
}
