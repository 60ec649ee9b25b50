package dev.greetprobe.common;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Parses a config's YAML text into maps, lists and scalars, refusing what would make the parse or anything after it
 * run away: nesting deeper than {@link #MAX_DEPTH}, more nodes than {@link #maxNodes()}, a key that is not a scalar,
 * duplicate keys, recursive aliases, and a text with no document at all (an empty file is a mistake or a file caught
 * half-written, never a config).
 */
public final class ConfigDocument {

  /**
   * The deepest nesting of lists and mappings. A config needs four levels; the parser builds nested nodes by
   * recursion, so thousands of levels would overflow its stack.
   */
  public static final int MAX_DEPTH = 32;

  /**
   * What the parser keeps of one node (a scalar, list or mapping, with the marks that place it in the text) until the
   * document is built: a file of one-letter scalars holds a node per two bytes, so the size limit alone would let a
   * file take a hundred times its size in heap.
   */
  static final int BYTES_PER_NODE = 300;

  /**
   * Aliases to lists and mappings in one document, the parser's own default. They are harmless here however they
   * nest: a key must be a scalar, and every value is checked to be a scalar before it is ever turned into text.
   */
  private static final int MAX_ALIASES = 50;

  private ConfigDocument() {
  }

  /** The document {@code yaml} holds; {@code origin} names it in errors, as in {@code config file probe.yaml}. */
  public static Object parse(String yaml, String origin) {
    return parse(yaml, origin, maxNodes());
  }

  /** The most nodes a document may hold: as many as fit in a quarter of the heap while it is parsed. */
  public static int maxNodes() {
    return (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / BYTES_PER_NODE);
  }

  static Object parse(String yaml, String origin, int maxNodes) {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(origin)
        // The whole text in one buffer: with the default 1 KiB one, the scanner copies what it has read so far each
        // time it reads on within one token, so a long comment or scalar took time quadratic in its length.
        .setBufferSize(yaml.length() + 1)
        .setCodePointLimit(ConfigFile.MAX_BYTES)
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .build();
    try {
      Parser parser = new Bounded(new ParserImpl(settings, new StreamReader(settings, yaml)), origin, maxNodes);
      Optional<Node> root = new Composer(settings, parser).getSingleNode();
      if (root.isEmpty()) {
        throw new ConfigException(origin + " holds no YAML document (it is empty, or only comments)");
      }
      checkKeys(root.get(), origin);
      return new StandardConstructor(settings).constructSingleDocument(root);
    } catch (YamlEngineException e) {
      throw new ConfigException(origin + " is not valid YAML: " + e.getMessage());
    }
  }

  /**
   * Refuses a key that is a list or a mapping before the document is built: building puts each key in a hash map,
   * and hashing a key made of aliases to aliases walks every path through them, exponentially many.
   */
  private static void checkKeys(Node root, String origin) {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      Node node = pending.pop();
      if (!seen.add(node)) {
        continue;
      }
      if (node instanceof MappingNode mapping) {
        for (NodeTuple tuple : mapping.getValue()) {
          Node key = tuple.getKeyNode();
          if (!(key instanceof ScalarNode)) {
            throw new ConfigException(origin + ": a key must be a text, not a "
                + (key instanceof MappingNode ? "mapping" : "list") + where(key.getStartMark()));
          }
          pending.push(tuple.getValueNode());
        }
      } else if (node instanceof CollectionNode<?> collection) {
        collection.getValue().forEach(child -> pending.push((Node) child));
      }
    }
  }

  private static String where(Optional<Mark> mark) {
    return mark.map(m -> " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
  }

  /**
   * Passes the parser's events on, refusing the first that opens a list or mapping deeper than {@link #MAX_DEPTH}, or
   * that makes more than {@code maxNodes} nodes.
   */
  private static final class Bounded implements Parser {

    private final Parser parser;
    private final String origin;
    private final int maxNodes;
    private int depth;
    private int nodes;

    Bounded(Parser parser, String origin, int maxNodes) {
      this.parser = parser;
      this.origin = origin;
      this.maxNodes = maxNodes;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }

    @Override
    public Event next() {
      Event event = parser.next();
      Event.ID id = event.getEventId();
      boolean node = id == Event.ID.Scalar || id == Event.ID.SequenceStart || id == Event.ID.MappingStart;
      if (node && ++nodes > maxNodes) {
        throw new ConfigException(origin + " holds more than " + maxNodes + " values (scalars, lists and mappings),"
            + " more than a quarter of the heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MiB) holds while"
            + " parsing" + where(event.getStartMark()));
      }
      switch (id) {
        case SequenceStart, MappingStart -> {
          if (++depth > MAX_DEPTH) {
            throw new ConfigException(origin + " nests lists and mappings deeper than " + MAX_DEPTH + " levels"
                + where(event.getStartMark()));
          }
        }
        case SequenceEnd, MappingEnd -> depth--;
        default -> {
        }
      }
      return event;
    }
  }
}
