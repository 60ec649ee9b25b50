package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the tests read headings, anchors and links out of Markdown, as GitHub renders it. */
class MarkdownTest {

  @Test
  void anAnchorIsGitHubsSlugOfTheHeadingAsShown() {
    assertThat(Markdown.slug("ProbeTargetDown")).isEqualTo("probetargetdown");
    assertThat(Markdown.slug("HTTP endpoints (port 9180)")).isEqualTo("http-endpoints-port-9180");
    assertThat(Markdown.slug("What `./test` installs")).isEqualTo("what-test-installs");
    assertThat(Markdown.slug("Live reload and shards")).isEqualTo("live-reload-and-shards");
    assertThat(Markdown.slug("The [probe](probe.md)'s metrics_total")).isEqualTo("the-probes-metrics_total");
  }

  @Test
  void aRepeatedHeadingsAnchorsAreNumbered() {
    Markdown doc = Markdown.parse("""
        # Title
        ## Metrics
        ### Notes
        ## Metrics
        ### Notes
        """);

    assertThat(doc.anchors()).containsExactly("title", "metrics", "notes", "metrics-1", "notes-1");
  }

  @Test
  void codeBlocksAndCodeSpansHoldNeitherHeadingsNorLinks() {
    Markdown doc = Markdown.parse("""
        ## Run

        ```sh
        # not a heading [nor](a-link.md)
        ```

        See `[not a link](nowhere.md)`, but [design.md](design.md#one-probe) and
        [a link whose text
        wraps](probe.md "with a title"), ![an image](img.png), [`code` text](#run).
        """);

    assertThat(doc.headings()).containsExactly(new Markdown.Heading(2, "Run"));
    assertThat(doc.links()).containsExactly("design.md#one-probe", "probe.md", "img.png", "#run");
  }
}
