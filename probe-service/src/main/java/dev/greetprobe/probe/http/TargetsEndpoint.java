package dev.greetprobe.probe.http;

import dev.greetprobe.probe.config.Membership;
import dev.greetprobe.probe.config.Shard;
import dev.greetprobe.probe.config.ShardAssignment;
import dev.greetprobe.probe.schedule.PeerWatcher;
import dev.greetprobe.probe.schedule.ProbeScheduler;
import dev.greetprobe.probe.schedule.Reloader;
import dev.greetprobe.probe.schedule.ResultHistory;
import dev.greetprobe.probe.schedule.TargetSchedule;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /targets}: this instance's targets as compact JSON, a page at a time ({@code ?limit=&after=}), filtered as
 * the status page is ({@code ?show=down&name=PART}), and streamed: the targets are encoded on a worker a chunk at a
 * time, and the next chunk only once the client has taken the last, so a request holds at most a chunk and one target
 * in memory however many targets the probe has and however slowly the client reads. At most
 * {@link LargeRequests#MAX} of these and the status page run at once. The others' targets are only counted, each
 * instance showing its own; with live peers, each target says which peers hold it, and the head the peers as this
 * instance sees them.
 */
final class TargetsEndpoint {

  /** Targets on one page unless {@code limit} asks for fewer. */
  static final int MAX_LIMIT = 1000;
  /** What a chunk holds before it is written: far below the heap, large enough to write in few system calls. */
  static final int CHUNK_BYTES = 256 * 1024;

  private final Vertx vertx;
  private final ProbeScheduler scheduler;
  private final Reloader reloader;
  /** The live peers as this instance sees them, or null with a fixed shard. */
  private final Supplier<PeerWatcher.Status> peers;
  private final LargeRequests gate;

  TargetsEndpoint(Vertx vertx, ProbeScheduler scheduler, Reloader reloader, Supplier<PeerWatcher.Status> peers,
      LargeRequests gate) {
    this.vertx = vertx;
    this.scheduler = scheduler;
    this.reloader = reloader;
    this.peers = peers;
    this.gate = gate;
  }

  /**
   * What one {@code /targets} request holds at most: a chunk, and one target's JSON, whose history of
   * {@code history} results is most of it.
   */
  static long bytesInFlight(int history) {
    return CHUNK_BYTES + TargetJson.maxBytes(history);
  }

  /** Which targets a request asks for: the filter, and the page after a name. */
  record Page(StatusView.Query filter, int limit, String after) {

    static Page parse(MultiMap params) {
      StatusView.Query filter = StatusView.Query.parse(params);
      String limit = params.get("limit");
      int number = MAX_LIMIT;
      if (limit != null && !limit.isEmpty()) {
        try {
          number = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
          number = 0;
        }
        if (number < 1 || number > MAX_LIMIT) {
          throw new IllegalArgumentException("limit: '" + limit + "' is not a number of targets in 1.." + MAX_LIMIT);
        }
      }
      String after = params.get("after");
      return new Page(filter, number, after == null ? "" : after);
    }
  }

  void handle(RoutingContext ctx) {
    Page page;
    try {
      page = Page.parse(ctx.queryParams());
    } catch (IllegalArgumentException e) {
      ProbeHttpServer.text(ctx, 400, e.getMessage());
      return;
    }
    if (!gate.admit(ctx)) {
      return;
    }
    ShardAssignment assignment = reloader.assignment();
    List<TargetSchedule> schedules = scheduler.schedules();
    JsonObject head = new JsonObject().put("transport", reloader.running().transport().label());
    Membership membership = assignment.ownership() instanceof Membership live ? live : null;
    if (membership != null) {
      head.put("membership", membership(membership, peers.get()));
    } else {
      head.put("shard", shard((Shard) assignment.ownership()));
    }
    head.put("elsewhere", assignment.elsewhere());
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("content-type", "application/json");
    vertx.executeBlocking(() -> select(schedules, page, membership), false)
        .compose(selected -> send(response, head, selected, membership))
        .onComplete(done -> {
          gate.exit();
          if (done.failed() && !response.ended() && !response.closed()) {
            // Part of the body may be out already: the status line cannot change, so the connection ends unfinished.
            response.reset();
          }
        });
  }

  static JsonObject shard(Shard shard) {
    return new JsonObject().put("index", shard.index()).put("count", shard.count());
  }

  /** The peers this instance shares the targets with, and, when {@code seen} is given, how their lookup went. */
  static JsonObject membership(Membership membership, PeerWatcher.Status seen) {
    JsonObject json = new JsonObject()
        .put("self", membership.self())
        .put("replicas", membership.replicas())
        .put("peers", new JsonArray(membership.peers()));
    if (seen != null) {
      json.put("last_refresh", seen.refreshed() == null ? null : seen.refreshed().toString())
          .put("last_attempt", seen.attempted() == null ? null : seen.attempted().toString())
          .put("error", seen.error());
    }
    return json;
  }

  /** The page: the filter's targets in the order of their names, after {@code after}, and whether more follow. */
  private static Selection select(List<TargetSchedule> schedules, Page page, Membership membership) {
    List<StatusView.Entry> matching = schedules.stream()
        .map(s -> new StatusView.Entry(s.target(), s.last(), s.history(), s.changes(), s.uptime(),
            membership == null ? List.of() : membership.holders(s.target().name())))
        .filter(page.filter()::matches)
        .filter(e -> e.target().name().compareTo(page.after()) > 0)
        .sorted(Comparator.comparing(e -> e.target().name()))
        .toList();
    List<StatusView.Entry> rows = matching.subList(0, Math.min(page.limit(), matching.size()));
    String next = matching.size() > rows.size() ? rows.get(rows.size() - 1).target().name() : null;
    return new Selection(List.copyOf(rows), next);
  }

  private record Selection(List<StatusView.Entry> rows, String next) {
  }

  private Future<Void> send(HttpServerResponse response, JsonObject head, Selection selection,
      Membership membership) {
    String open = head.encode();
    Buffer first = Buffer.buffer(open.substring(0, open.length() - 1)).appendString(",\"targets\":[");
    return chunk(response, first, selection, membership, 0);
  }

  /** Encodes the rows from {@code from} on a worker until the chunk is full, writes it, and goes on once it is out. */
  private Future<Void> chunk(HttpServerResponse response, Buffer start, Selection selection, Membership membership,
      int from) {
    return vertx.executeBlocking(() -> {
      Instant now = Instant.now();
      Buffer chunk = start;
      int i = from;
      while (i < selection.rows().size() && chunk.length() < CHUNK_BYTES) {
        StatusView.Entry row = selection.rows().get(i);
        ResultHistory.Snapshot history = row.history().snapshot();
        if (i > 0) {
          chunk.appendString(",");
        }
        JsonObject target = TargetJson.of(row.target(), row.last(), history, row.changes().snapshot(),
            row.uptime().snapshot(now));
        if (membership != null) {
          target.put("holders", new JsonArray(row.holders()));
        }
        chunk.appendBuffer(target.toBuffer());
        i++;
      }
      return new Written(chunk, i);
    }, false).compose(written -> {
      if (written.next() < selection.rows().size()) {
        return response.write(written.chunk())
            .compose(v -> chunk(response, Buffer.buffer(), selection, membership, written.next()));
      }
      return response.end(written.chunk().appendString("],\"next\":")
          .appendString(Json.encode(selection.next()))
          .appendString("}"));
    });
  }

  private record Written(Buffer chunk, int next) {
  }
}
