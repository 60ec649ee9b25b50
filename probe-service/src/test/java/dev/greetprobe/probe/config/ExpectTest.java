package dev.greetprobe.probe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code expect} takes RE2's syntax, as blackbox_exporter does, and refuses what would need backtracking. */
class ExpectTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"^Thank You for Connecting$", "^220 (mail|smtp)[0-9]*\\.example\\.com ESMTP",
      "(?i)^ssh-2\\.0-",
      "[a-f0-9]{64}", "(?P<version>\\d+)\\.\\d+", "(?s)^HTTP/1\\.1 200.*\\r\\n\\r\\n", "[[:alpha:]]+", "\\Qa.b\\E"})
  void re2SyntaxCompiles(String regex) {
    assertThat(Expect.compile(regex).pattern()).isEqualTo(regex);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      (?<=a)b     | '(?<=a)b' uses lookbehind (?<=, which RE2 syntax leaves out: matching it needs backtracking
      (?<!a)b     | '(?<!a)b' uses lookbehind (?<!, which RE2 syntax leaves out: matching it needs backtracking
      a(?=b)      | 'a(?=b)' uses lookahead (?=, which RE2 syntax leaves out: matching it needs backtracking
      a(?!b)      | 'a(?!b)' uses lookahead (?!, which RE2 syntax leaves out: matching it needs backtracking
      (a)\\1      | '(a)\\1' uses a backreference \\1, which RE2 syntax leaves out: matching it needs backtracking
      (?<n>a)\\k<n> | '(?<n>a)\\k<n>' uses a backreference \\k, which RE2 syntax leaves out: matching it needs backtracking
      a*+b        | 'a*+b' uses a possessive quantifier *+, which RE2 syntax leaves out: matching it needs backtracking
      a++b        | 'a++b' uses a possessive quantifier ++, which RE2 syntax leaves out: matching it needs backtracking
      (?>a+)b     | '(?>a+)b' uses an atomic group (?>, which RE2 syntax leaves out: matching it needs backtracking
      \\Z         | '\\Z' is not a regular expression: invalid escape sequence
      (unclosed   | '(unclosed' is not a regular expression: missing closing )
      """)
  void javaOnlyConstructsAreRefusedByName(String regex, String message) {
    assertThatThrownBy(() -> Expect.compile(regex))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  /** Compiled, this would be a billion instructions: the heap would run out before any error. */
  @Test
  @Timeout(5)
  void nestedRepetitionsThatWouldExhaustTheHeapAreRefusedBeforeCompiling() {
    assertThatThrownBy(() -> Expect.compile("((a{1000}){1000}){1000}"))
        .hasMessage("'((a{1000}){1000}){1000}' is too large: it would compile to more than 512 instructions,"
            + " above the limit of 128");
  }

  @Test
  void anExpressionWhoseProgramPassesTheLimitIsRefusedWithItsSize() {
    assertThatThrownBy(() -> Expect.compile("x{300}"))
        .hasMessage("'x{300}' is too large: it compiles to 302 instructions, above the limit of 128");
    assertThat(Expect.compile("x{120}").pattern()).isEqualTo("x{120}");
  }

  @Test
  void groupsNestedDeepEnoughToOverflowTheCompilersStackAreRefused() {
    String deep = "(".repeat(5000) + "a" + ")".repeat(5000);

    assertThatThrownBy(() -> Expect.compile(deep)).hasMessageContaining("is too large");
  }

  @Test
  void aLongExpressionIsRefusedQuotingOnlyItsStart() {
    String huge = "a".repeat(5000);

    assertThatThrownBy(() -> Expect.compile(huge))
        .hasMessage("'" + "a".repeat(200) + "...' is too large: 5000 characters, above the limit of 4096");
  }

  @Test
  void twoCompilesOfOneExpressionAreEqual() {
    assertThat(Expect.compile("^a+$")).isEqualTo(Expect.compile("^a+$")).hasSameHashCodeAs(Expect.compile("^a+$"));
    assertThat(Expect.compile("^a+$")).isNotEqualTo(Expect.compile("^a*$"));
  }

  /** Java's backtracking takes time exponential in the text here, RE2's automaton time linear in it. */
  @Test
  @Timeout(10)
  void catastrophicBacktrackingPatternsEndWithTheRightAnswer() {
    assertThat(Expect.compile("(x+x+)+y").foundIn("x".repeat(32 * 1024))).isFalse();
    assertThat(Expect.compile("^(a+)+b").foundIn("a".repeat(30_000))).isFalse();
  }

  /** Java's regex recursed once per repetition here, and overflowed its stack. */
  @Test
  void aLongRepetitionOfAnAlternationMatchesWithoutOverflowingTheStack() {
    assertThat(Expect.compile("^(a|b)*$").foundIn("a".repeat(32 * 1024))).isTrue();
  }

  /** Plain text is found without RE2's machine, and must be found exactly where RE2 would find it. */
  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"^Thank You for Connecting$", "^Thank You", "Connecting$", "for", "", "^", "$", "^$",
      "Thank You for Connecting\n", "a.b", "^(T)hank"})
  void plainTextMatchesWhereRe2Would(String regex) {
    Expect expect = Expect.compile(regex);
    for (String text : List.of("", "Thank You for Connecting", "Thank You for Connecting\n", "xThank You for Connecting",
        "Thank You for Connectingx", "for", "a.b", "axb", "Thank")) {
      assertThat(expect.foundIn(new StringBuilder(text)))
          .as("'%s' in '%s'", regex, text)
          .isEqualTo(Pattern.compile(regex).matcher(text).find());
    }
  }
}
