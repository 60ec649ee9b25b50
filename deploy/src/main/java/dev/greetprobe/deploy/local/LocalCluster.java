package dev.greetprobe.deploy.local;

import dev.greetprobe.deploy.local.PodTemplate.Container;
import dev.greetprobe.deploy.local.PodTemplate.HttpCheck;
import dev.greetprobe.deploy.local.PodTemplate.Volume;
import dev.greetprobe.deploy.local.Rendered.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A rendered kustomization's workloads run under podman on this machine, as a cluster would run them: one container
 * for each pod, in a network namespace of its own on a podman network, with the pod's security settings, limits,
 * environment and volumes as the spec says; the Services' names written into each pod's hosts file, leading to the
 * pods they select; and the kubelet's probes and its way of stopping a pod. {@link NotHonoured} lists what one
 * machine cannot do; any other field it does not understand stops it before a container starts.
 */
public final class LocalCluster implements AutoCloseable {

  /** The podman network the pods share, made once and kept. */
  static final String NETWORK = "greetprobe-local";
  /** Every container started here carries this label, so a run cleans up what an earlier one left. */
  static final String LABEL = "dev.greetprobe.local";
  private static final String CLUSTER_DOMAIN = "cluster.local";
  /** The kubelet's default for ndots, which makes short names go through the search domains first. */
  private static final String NDOTS = "ndots:5";
  /** The first pod's host number in the network's subnet; those below are left for the network's own use. */
  private static final int FIRST_HOST = 10;

  /** One pod as started: its name, workload ({@code Kind/name}), address, named ports and grace period. */
  public record Pod(String name, String workload, String ip, Map<String, Integer> ports,
      int terminationGracePeriodSeconds) {

    /** The container's port named {@code name}. */
    public int port(String name) {
      Integer port = ports.get(name);
      if (port == null) {
        throw new IllegalArgumentException(this.name + " has no port " + name + ": " + ports.keySet());
      }
      return port;
    }
  }

  /** A pod with what it was made from, and its container's name in podman. */
  private record Planned(Pod pod, Workload workload, Container container, String containerName) {
  }

  /** How a pod's container ended when stopped as the kubelet stops it. */
  public record Stopped(int exitCode, Duration took, String logs) {
  }

  private final Podman podman;
  private final Path workDir;
  private final Rendered rendered;
  /** The ConfigMaps as the cluster holds them now: as rendered, then as updated. */
  private final Map<String, Map<String, byte[]>> configMaps;
  private final List<Planned> pods = new ArrayList<>();

  private LocalCluster(Podman podman, Path workDir, Rendered rendered) {
    this.podman = podman;
    this.workDir = workDir;
    this.rendered = rendered;
    this.configMaps = new LinkedHashMap<>(rendered.configMaps());
  }

  /**
   * Reads {@code renderedYaml} strictly, then starts the pods of the named workloads ({@code Deployment/greeter}),
   * waiting for each to pass its startup and readiness probes. Volumes live under {@code workDir}.
   */
  public static LocalCluster start(String renderedYaml, Set<String> workloads, Path workDir) {
    LocalCluster cluster = new LocalCluster(new Podman("podman"), workDir, Rendered.parse(renderedYaml));
    try {
      cluster.startPods(workloads);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The workloads a rendering holds, read strictly, as {@code Kind/name}. */
  public static List<String> workloads(String renderedYaml) {
    return Rendered.parse(renderedYaml).workloads().stream().map(Workload::toString).toList();
  }

  public List<Pod> pods() {
    return pods.stream().map(Planned::pod).toList();
  }

  /** The pods of one workload, such as {@code StatefulSet/probe}. */
  public List<Pod> pods(String workload) {
    return pods().stream().filter(pod -> pod.workload().equals(workload)).toList();
  }

  /** Whether the pod's readiness probe passes now. */
  public boolean ready(Pod pod) {
    return planned(pod).container().readinessProbe().map(check -> passes(pod, check)).orElse(true);
  }

  /** Whether the pod's liveness probe passes now. */
  public boolean live(Pod pod) {
    return planned(pod).container().livenessProbe().map(check -> passes(pod, check)).orElse(true);
  }

  /** Changes a ConfigMap's data in every pod that mounts it, swapping the files in as the kubelet does. */
  public void updateConfigMap(String name, Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((key, value) -> bytes.put(key, value.getBytes(StandardCharsets.UTF_8)));
    configMaps.put(name, bytes);
    for (Planned pod : pods) {
      for (Volume volume : pod.workload().template().volumes()) {
        if (volume.kind() == Volume.Kind.CONFIG_MAP && volume.source().equals(name)) {
          project(pod, volume);
        }
      }
    }
  }

  /**
   * Stops a pod as the kubelet does: its preStop sleep, then SIGTERM, and SIGKILL once the grace period is spent.
   * The container stays, for its logs and {@link #rootWrites}.
   */
  public Stopped stop(Pod pod) {
    Planned planned = planned(pod);
    long started = System.nanoTime();
    int grace = pod.terminationGracePeriodSeconds();
    int preStop = Math.min(grace, planned.container().preStopSleepSeconds().orElse(0));
    pause(Duration.ofSeconds(preStop));
    podman.run("stop", "--time", Integer.toString(grace - preStop), planned.containerName());
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    int exitCode = Integer.parseInt(podman.run("inspect", "--format", "{{.State.ExitCode}}",
        planned.containerName()));
    return new Stopped(exitCode, took, logs(pod));
  }

  /** What the container printed, standard output and error together. */
  public String logs(Pod pod) {
    return podman.run("logs", planned(pod).containerName());
  }

  /**
   * What the container changed in its image's file system, mounts and the files podman itself manages aside: empty
   * when the process wrote only to its volumes.
   */
  public List<String> rootWrites(Pod pod) {
    Planned planned = planned(pod);
    Set<String> allowed = new LinkedHashSet<>(List.of("/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf",
        "/run", "/run/.containerenv", "/dev", "/proc", "/sys"));
    for (PodTemplate.Mount mount : planned.container().mounts()) {
      for (Path path = Path.of(mount.mountPath()); path != null && path.getNameCount() > 0; path = path.getParent()) {
        allowed.add(path.toString());
      }
    }
    return podman.run("diff", planned.containerName()).lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .filter(line -> !allowed.contains(line.substring(line.indexOf(' ') + 1)))
        .toList();
  }

  /** Removes every container started here and their volumes; the network and the images stay. */
  @Override
  public void close() {
    removeContainers();
    try {
      VolumeFiles.deleteTree(workDir.resolve("pods"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startPods(Set<String> selected) {
    Set<String> unknown = new LinkedHashSet<>(selected);
    rendered.workloads().forEach(workload -> unknown.remove(workload.toString()));
    if (!unknown.isEmpty()) {
      throw new ManifestException(unknown + ": no such workloads in the rendering, which has "
          + workloads(rendered));
    }
    removeContainers();
    String subnetPrefix = network();
    List<Workload> toRun = rendered.workloads().stream().filter(w -> selected.contains(w.toString())).toList();
    List<Planned> planned = new ArrayList<>();
    for (Workload workload : toRun) {
      if (workload.template().containers().size() != 1) {
        throw new ManifestException(workload + ": only pods of one container are honoured here");
      }
      Container container = workload.template().containers().get(0);
      requireImage(container.image());
      for (int replica = 0; replica < workload.replicas(); replica++) {
        String name = workload.name() + "-" + replica;
        Pod pod = new Pod(name, workload.toString(), subnetPrefix + (FIRST_HOST + planned.size()),
            container.ports(), workload.template().terminationGracePeriodSeconds());
        planned.add(new Planned(pod, workload, container, "greetprobe-local-" + name));
      }
    }
    Map<String, List<String>> hosts = hosts(planned);
    for (Planned pod : planned) {
      run(pod, hosts);
      pods.add(pod);
      if (pod.workload().orderedReady()) {
        awaitReady(pod);
      }
    }
    pods.stream().filter(pod -> !pod.workload().orderedReady()).forEach(this::awaitReady);
  }

  private Planned planned(Pod pod) {
    return pods.stream().filter(planned -> planned.pod().equals(pod)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(pod.name() + " was not started here"));
  }

  private static List<String> workloads(Rendered rendered) {
    return rendered.workloads().stream().map(Workload::toString).toList();
  }

  /** The podman network, made if missing: the first three parts of its IPv4 subnet, such as {@code 10.89.0.}. */
  private String network() {
    if (!podman.run("network", "ls", "--format", "{{.Name}}").lines().toList().contains(NETWORK)) {
      podman.run("network", "create", NETWORK);
    }
    String subnet = podman.run("network", "inspect", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}", NETWORK)
        .split(" ")[0];
    if (!subnet.endsWith(".0/24")) {
      throw new IllegalStateException("the podman network " + NETWORK + " has the subnet " + subnet
          + ", not the /24 the local runner hands out addresses in: podman network rm " + NETWORK);
    }
    return subnet.substring(0, subnet.length() - "0/24".length());
  }

  private void requireImage(String image) {
    if (!podman.run("images", "--format", "{{.Repository}}:{{.Tag}}").lines().toList().contains(image)) {
      throw new ManifestException("the image " + image + " is not in the local container store, and no registry is"
          + " reachable here: deploy/local/images builds greetprobe's images into it");
    }
  }

  /**
   * Each name a Service gives, with the addresses of the pods it selects. A name leads to the pods themselves, with
   * no virtual address between, so a Service's port must be the port its pods listen on.
   */
  private Map<String, List<String>> hosts(List<Planned> planned) {
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    for (Rendered.Service service : rendered.services()) {
      List<Planned> selected = planned.stream()
          .filter(pod -> pod.workload().namespace().equals(service.namespace()))
          .filter(pod -> pod.workload().template().labels().entrySet().containsAll(service.selector().entrySet()))
          .toList();
      if (selected.isEmpty() || service.selector().isEmpty()) {
        continue;
      }
      for (Rendered.ServicePort port : service.ports()) {
        for (Planned pod : selected) {
          Integer target = port.target().chars().allMatch(Character::isDigit) ? Integer.valueOf(port.target())
              : pod.container().ports().get(port.target());
          if (target == null || target != port.port()) {
            throw new ManifestException("Service/" + service.name() + ": port " + port.port() + " leads to "
                + port.target() + " of " + pod.pod().name() + ", which names no virtual address here can translate");
          }
        }
      }
      String fqdn = service.name() + "." + service.namespace() + ".svc." + CLUSTER_DOMAIN;
      for (Planned pod : selected) {
        String ip = pod.pod().ip();
        for (String name : List.of(service.name(), service.name() + "." + service.namespace(),
            service.name() + "." + service.namespace() + ".svc", fqdn)) {
          hosts.computeIfAbsent(name, key -> new ArrayList<>()).add(ip);
        }
        if (service.headless() && pod.workload().serviceName().equals(Optional.of(service.name()))) {
          hosts.computeIfAbsent(pod.pod().name() + "." + fqdn, key -> new ArrayList<>()).add(ip);
        }
      }
    }
    return hosts;
  }

  private void run(Planned planned, Map<String, List<String>> hosts) {
    Pod pod = planned.pod();
    Workload workload = planned.workload();
    Container container = planned.container();
    PodTemplate.PodSecurity podSecurity = workload.template().security();
    PodTemplate.ContainerSecurity security = container.security();
    List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", planned.containerName(),
        "--label", LABEL + "=" + pod.name(), "--hostname", pod.name(), "--runtime", "runc",
        "--network", NETWORK, "--ip", pod.ip(), "--pull", "never"));
    for (String search : List.of(workload.namespace() + ".svc." + CLUSTER_DOMAIN, "svc." + CLUSTER_DOMAIN,
        CLUSTER_DOMAIN)) {
      args.addAll(List.of("--dns-search", search));
    }
    args.addAll(List.of("--dns-option", NDOTS));
    hosts.forEach((name, ips) -> ips.forEach(ip -> args.addAll(List.of("--add-host", name + ":" + ip))));
    args.addAll(ProcessLimits.ulimits());

    OptionalInt uid = first(security.runAsUser(), podSecurity.runAsUser());
    OptionalInt gid = first(security.runAsGroup(), podSecurity.runAsGroup());
    String imageUser = podman.run("image", "inspect", "--format", "{{.Config.User}}", container.image());
    String user = uid.isPresent() ? Integer.toString(uid.getAsInt()) : imageUser.split(":")[0];
    if (security.runAsNonRoot().or(podSecurity::runAsNonRoot).orElse(false)
        && (user.isEmpty() || !user.chars().allMatch(Character::isDigit) || user.equals("0"))) {
      throw new ManifestException(workload + ": runAsNonRoot, but the container would run as user '" + user
          + "', which the kubelet refuses to start");
    }
    if (!user.isEmpty()) {
      args.addAll(List.of("--user", user + (gid.isPresent() ? ":" + gid.getAsInt() : "")));
    }
    podSecurity.fsGroup().ifPresent(group -> args.addAll(List.of("--group-add", Integer.toString(group))));
    if (security.readOnlyRootFilesystem()) {
      // Without the second flag podman would mount writable scratch on /tmp, /var/tmp and /run of its own accord.
      args.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    if (!security.allowPrivilegeEscalation()) {
      args.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    security.capabilitiesDropped().forEach(capability -> args.add("--cap-drop=" + capability));
    security.capabilitiesAdded().forEach(capability -> args.add("--cap-add=" + capability));
    args.addAll(container.resources().podmanFlags());
    for (PodTemplate.Env env : container.env()) {
      args.addAll(List.of("--env", env.name() + "=" + env.value().orElseGet(() -> field(planned, env.fieldPath().get()))));
    }
    for (PodTemplate.Mount mount : container.mounts()) {
      Volume volume = workload.template().volumes().stream().filter(v -> v.name().equals(mount.volume()))
          .findFirst().orElseThrow();
      Path folder = project(planned, volume);
      args.addAll(List.of("--volume", folder + ":" + mount.mountPath() + (mount.readOnly() ? ":ro" : ":rw")));
    }
    if (!container.command().isEmpty()) {
      args.addAll(List.of("--entrypoint", json(container.command())));
    }
    args.add(container.image());
    args.addAll(container.args());
    podman.run(args);
  }

  private Path project(Planned pod, Volume volume) {
    Path folder = workDir.resolve("pods").resolve(pod.pod().name()).resolve(volume.name());
    OptionalInt group = pod.workload().template().security().fsGroup();
    switch (volume.kind()) {
      case EMPTY_DIR -> {
        if (!Files.isDirectory(folder)) {
          VolumeFiles.emptyDir(folder, group);
        }
      }
      case CONFIG_MAP -> VolumeFiles.project(folder, items(volume, configMaps), volume.defaultMode(), group);
      case SECRET -> VolumeFiles.project(folder, items(volume, rendered.secrets()), volume.defaultMode(), group);
    }
    return folder;
  }

  private static Map<String, byte[]> items(Volume volume, Map<String, Map<String, byte[]>> sources) {
    Map<String, byte[]> data = sources.get(volume.source());
    if (data == null) {
      throw new ManifestException("volume " + volume.name() + ": " + volume.source() + " is not in the rendering;"
          + " the kubelet would wait for it, and nothing here creates it");
    }
    if (volume.items().isEmpty()) {
      return data;
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    volume.items().forEach((key, path) -> {
      if (!data.containsKey(key)) {
        throw new ManifestException("volume " + volume.name() + ": " + volume.source() + " has no key " + key);
      }
      files.put(path, data.get(key));
    });
    return files;
  }

  /** A field of the pod, as the kubelet resolves a fieldRef. */
  private static String field(Planned pod, String fieldPath) {
    String labelPrefix = "metadata.labels['";
    if (fieldPath.startsWith(labelPrefix) && fieldPath.endsWith("']")) {
      String label = fieldPath.substring(labelPrefix.length(), fieldPath.length() - 2);
      return pod.workload().template().labels().getOrDefault(label, "");
    }
    return switch (fieldPath) {
      case "metadata.name" -> pod.pod().name();
      case "metadata.namespace" -> pod.workload().namespace();
      case "status.podIP" -> pod.pod().ip();
      default -> throw new ManifestException(pod.workload() + ": fieldRef " + fieldPath + " is not honoured here");
    };
  }

  private void awaitReady(Planned planned) {
    planned.container().startupProbe().ifPresent(check -> awaitPassing(planned, "startupProbe", check));
    planned.container().readinessProbe().ifPresent(check -> awaitPassing(planned, "readinessProbe", check));
  }

  /** Probes every period, as the kubelet does, until a probe passes or failureThreshold have failed. */
  private void awaitPassing(Planned planned, String which, HttpCheck check) {
    Pod pod = planned.pod();
    pause(Duration.ofSeconds(check.initialDelaySeconds()));
    for (int failures = 0; ; ) {
      if (passes(pod, check)) {
        return;
      }
      String state = podman.run("inspect", "--format", "{{.State.Status}}", planned.containerName());
      if (++failures >= check.failureThreshold() || !state.equals("running")) {
        throw new IllegalStateException(pod.name() + ": " + which + " GET " + check.path() + " on port "
            + check.port() + " failed " + failures + " times, the container " + state + "; its logs:\n" + logs(pod));
      }
      pause(Duration.ofSeconds(check.periodSeconds()));
    }
  }

  private static boolean passes(Pod pod, HttpCheck check) {
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create("http://" + pod.ip() + ":" + check.port()
          + check.path()).toURL().openConnection();
      int timeout = (int) Duration.ofSeconds(check.timeoutSeconds()).toMillis();
      connection.setConnectTimeout(timeout);
      connection.setReadTimeout(timeout);
      connection.setInstanceFollowRedirects(false);
      try {
        int status = connection.getResponseCode();
        return status >= 200 && status < 400;
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private void removeContainers() {
    List<String> leftovers = podman.run("ps", "--all", "--quiet", "--filter", "label=" + LABEL).lines()
        .filter(line -> !line.isBlank()).toList();
    if (!leftovers.isEmpty()) {
      List<String> remove = new ArrayList<>(List.of("rm", "--force", "--time", "0"));
      remove.addAll(leftovers);
      podman.run(remove);
    }
  }

  private static OptionalInt first(OptionalInt preferred, OptionalInt fallback) {
    return preferred.isPresent() ? preferred : fallback;
  }

  private static String json(List<String> strings) {
    return strings.stream().map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** The kubelet's own waits: a probe's period, a preStop sleep. */
  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
