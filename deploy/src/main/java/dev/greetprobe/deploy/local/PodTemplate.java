package dev.greetprobe.deploy.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** A workload's pod template, read strictly: what each of its pods runs, and under which settings. */
record PodTemplate(Map<String, String> labels, List<Container> containers, List<Volume> volumes,
    int terminationGracePeriodSeconds, PodSecurity security) {

  /** The kubelet's default grace period. */
  private static final int DEFAULT_GRACE_SECONDS = 30;

  static PodTemplate read(Fields template) {
    Fields metadata = template.fields("metadata");
    Map<String, String> labels = metadata.stringMap("labels");
    metadata.stringMap("annotations");
    metadata.done();
    Fields spec = template.fields("spec");
    spec.notHonoured("serviceAccountName", "pod.serviceAccountName");
    spec.notHonoured("topologySpreadConstraints", "pod.topologySpreadConstraints");
    // The runner mounts no token and sets no service variables; the manifests must ask for the same.
    requireFalse(spec, "automountServiceAccountToken");
    requireFalse(spec, "enableServiceLinks");
    int grace = spec.optionalInt("terminationGracePeriodSeconds").orElse(DEFAULT_GRACE_SECONDS);
    PodSecurity security = PodSecurity.read(spec.fields("securityContext"));
    List<Volume> volumes = spec.list("volumes").stream().map(Volume::read).toList();
    List<Container> containers = spec.list("containers").stream().map(Container::read).toList();
    spec.done();
    template.done();
    for (Container container : containers) {
      for (Mount mount : container.mounts()) {
        if (volumes.stream().noneMatch(volume -> volume.name().equals(mount.volume()))) {
          throw new ManifestException(spec.path("containers") + " " + container.name() + ": volumeMount "
              + mount.volume() + " names no volume of the pod");
        }
      }
    }
    return new PodTemplate(labels, containers, volumes, grace, security);
  }

  private static void requireFalse(Fields spec, String key) {
    if (spec.optionalBoolean(key).orElse(true)) {
      throw new ManifestException(spec.path(key) + ": only false can be honoured here (no API server)");
    }
  }

  /** The pod's securityContext. */
  record PodSecurity(Optional<Boolean> runAsNonRoot, OptionalInt runAsUser, OptionalInt runAsGroup,
      OptionalInt fsGroup, Optional<String> seccomp) {

    static PodSecurity read(Fields context) {
      PodSecurity security = new PodSecurity(context.optionalBoolean("runAsNonRoot"),
          optionalInt(context, "runAsUser"), optionalInt(context, "runAsGroup"), optionalInt(context, "fsGroup"),
          context.optionalFields("seccompProfile").map(PodTemplate::seccomp));
      context.done();
      return security;
    }
  }

  /** A container's securityContext. */
  record ContainerSecurity(Optional<Boolean> runAsNonRoot, OptionalInt runAsUser, OptionalInt runAsGroup,
      boolean allowPrivilegeEscalation, boolean readOnlyRootFilesystem, List<String> capabilitiesDropped,
      List<String> capabilitiesAdded, Optional<String> seccomp) {

    static ContainerSecurity read(Fields context) {
      Fields capabilities = context.fields("capabilities");
      ContainerSecurity security = new ContainerSecurity(context.optionalBoolean("runAsNonRoot"),
          optionalInt(context, "runAsUser"), optionalInt(context, "runAsGroup"),
          context.optionalBoolean("allowPrivilegeEscalation").orElse(true),
          context.optionalBoolean("readOnlyRootFilesystem").orElse(false),
          capabilities.strings("drop"), capabilities.strings("add"),
          context.optionalFields("seccompProfile").map(PodTemplate::seccomp));
      capabilities.done();
      context.done();
      return security;
    }
  }

  /** One container: the image and its arguments, environment, ports, probes, limits and mounts. */
  record Container(String name, String image, List<String> command, List<String> args, List<Env> env,
      Map<String, Integer> ports, Resources resources, Optional<HttpCheck> startupProbe,
      Optional<HttpCheck> readinessProbe, Optional<HttpCheck> livenessProbe, OptionalInt preStopSleepSeconds,
      ContainerSecurity security, List<Mount> mounts) {

    static Container read(Fields container) {
      String name = container.string("name");
      String image = container.string("image");
      container.notHonoured("imagePullPolicy", "container.imagePullPolicy");
      List<String> command = container.strings("command");
      List<String> args = container.strings("args");
      List<Env> env = container.list("env").stream().map(Env::read).toList();
      Map<String, Integer> ports = new LinkedHashMap<>();
      for (Fields port : container.list("ports")) {
        int number = port.optionalInt("containerPort")
            .orElseThrow(() -> new ManifestException(port.path("containerPort") + ": is required"));
        String protocol = port.optionalString("protocol").orElse("TCP");
        if (!protocol.equals("TCP")) {
          throw new ManifestException(port.path("protocol") + ": only TCP is honoured here, not " + protocol);
        }
        ports.put(port.optionalString("name").orElse(Integer.toString(number)), number);
        port.done();
      }
      Resources resources = Resources.read(container.fields("resources"));
      Optional<HttpCheck> startup = container.optionalFields("startupProbe").map(probe -> HttpCheck.read(probe, ports));
      Optional<HttpCheck> readiness = container.optionalFields("readinessProbe")
          .map(probe -> HttpCheck.read(probe, ports));
      Optional<HttpCheck> liveness = container.optionalFields("livenessProbe")
          .map(probe -> HttpCheck.read(probe, ports));
      OptionalInt preStop = container.optionalFields("lifecycle").map(Container::preStopSleep)
          .orElse(OptionalInt.empty());
      ContainerSecurity security = ContainerSecurity.read(container.fields("securityContext"));
      List<Mount> mounts = container.list("volumeMounts").stream().map(Mount::read).toList();
      container.done();
      return new Container(name, image, command, args, env, Map.copyOf(ports), resources, startup, readiness,
          liveness, preStop, security, mounts);
    }

    private static OptionalInt preStopSleep(Fields lifecycle) {
      Fields preStop = lifecycle.fields("preStop");
      Fields sleep = preStop.fields("sleep");
      OptionalInt seconds = sleep.optionalInt("seconds").map(OptionalInt::of).orElse(OptionalInt.empty());
      sleep.done();
      preStop.done();
      lifecycle.done();
      return seconds;
    }
  }

  /** An environment variable: a value, or a field of the pod resolved as the kubelet resolves it. */
  record Env(String name, Optional<String> value, Optional<String> fieldPath) {

    static Env read(Fields env) {
      String name = env.string("name");
      Optional<String> value = env.optionalString("value");
      Optional<String> fieldPath = env.optionalFields("valueFrom").map(valueFrom -> {
        Fields fieldRef = valueFrom.fields("fieldRef");
        fieldRef.optionalString("apiVersion");
        String path = fieldRef.string("fieldPath");
        fieldRef.done();
        valueFrom.done();
        return path;
      });
      env.done();
      if (value.isPresent() == fieldPath.isPresent()) {
        throw new ManifestException(env.path("name") + " " + name + ": needs a value or a valueFrom.fieldRef");
      }
      return new Env(name, value, fieldPath);
    }
  }

  /** Requests and limits, as podman's flags. */
  record Resources(List<String> podmanFlags) {

    static Resources read(Fields resources) {
      List<String> flags = new ArrayList<>();
      Fields limits = resources.fields("limits");
      limits.optionalString("memory")
          .ifPresent(memory -> flags.add("--memory=" + Quantity.bytes(limits.path("memory"), memory)));
      limits.optionalString("cpu").ifPresent(cpu -> flags.add("--cpus=" + Quantity.cores(limits.path("cpu"), cpu)));
      limits.done();
      Fields requests = resources.fields("requests");
      requests.optionalString("memory").ifPresent(memory -> flags.add("--memory-reservation="
          + Quantity.bytes(requests.path("memory"), memory)));
      requests.optionalString("cpu")
          .ifPresent(cpu -> flags.add("--cpu-shares=" + Quantity.shares(requests.path("cpu"), cpu)));
      requests.done();
      resources.done();
      return new Resources(List.copyOf(flags));
    }
  }

  /** An httpGet probe, its port resolved from the container's named ports. */
  record HttpCheck(String path, int port, int initialDelaySeconds, int periodSeconds, int timeoutSeconds,
      int failureThreshold) {

    static HttpCheck read(Fields probe, Map<String, Integer> ports) {
      Fields get = probe.fields("httpGet");
      String path = get.optionalString("path").orElse("/");
      String port = get.string("port");
      String scheme = get.optionalString("scheme").orElse("HTTP");
      if (!scheme.equals("HTTP")) {
        throw new ManifestException(get.path("scheme") + ": only HTTP is honoured here, not " + scheme);
      }
      get.done();
      Integer number = port.chars().allMatch(Character::isDigit) ? Integer.valueOf(port) : ports.get(port);
      if (number == null) {
        throw new ManifestException(get.path("port") + ": '" + port + "' is none of the container's ports "
            + ports.keySet());
      }
      HttpCheck check = new HttpCheck(path, number, probe.optionalInt("initialDelaySeconds").orElse(0),
          probe.optionalInt("periodSeconds").orElse(10), probe.optionalInt("timeoutSeconds").orElse(1),
          probe.optionalInt("failureThreshold").orElse(3));
      if (probe.optionalInt("successThreshold").orElse(1) != 1) {
        throw new ManifestException(probe.path("successThreshold") + ": only 1 is honoured here");
      }
      probe.done();
      return check;
    }
  }

  /** A volumeMount; subPath is refused, since it would never see an update. */
  record Mount(String volume, String mountPath, boolean readOnly) {

    static Mount read(Fields mount) {
      Mount read = new Mount(mount.string("name"), mount.string("mountPath"),
          mount.optionalBoolean("readOnly").orElse(false));
      mount.done();
      return read;
    }
  }

  /** A ConfigMap, a Secret or an emptyDir volume. */
  record Volume(String name, Kind kind, String source, Map<String, String> items, int defaultMode) {

    enum Kind { CONFIG_MAP, SECRET, EMPTY_DIR }

    /** The kubelet's default mode for ConfigMap and Secret files, 0644. */
    private static final int DEFAULT_MODE = 0644;
    /** The kubelet makes an emptyDir writable by all. */
    private static final int EMPTY_DIR_MODE = 0777;

    static Volume read(Fields volume) {
      String name = volume.string("name");
      Volume read;
      if (volume.has("configMap")) {
        Fields configMap = volume.fields("configMap");
        read = new Volume(name, Kind.CONFIG_MAP, configMap.string("name"), items(configMap),
            configMap.optionalInt("defaultMode").orElse(DEFAULT_MODE));
        configMap.done();
      } else if (volume.has("secret")) {
        Fields secret = volume.fields("secret");
        read = new Volume(name, Kind.SECRET, secret.string("secretName"), items(secret),
            secret.optionalInt("defaultMode").orElse(DEFAULT_MODE));
        secret.done();
      } else if (volume.has("emptyDir")) {
        Fields emptyDir = volume.fields("emptyDir");
        emptyDir.notHonoured("sizeLimit", "emptyDir.sizeLimit");
        emptyDir.optionalString("medium").filter(medium -> !medium.isEmpty()).ifPresent(medium -> {
          throw new ManifestException(emptyDir.path("medium") + ": only the node's disk is honoured here");
        });
        emptyDir.done();
        read = new Volume(name, Kind.EMPTY_DIR, name, Map.of(), EMPTY_DIR_MODE);
      } else {
        read = null;
      }
      volume.done();
      if (read == null) {
        throw new ManifestException(volume.path("name") + " " + name + ": only configMap, secret and emptyDir volumes"
            + " are honoured here");
      }
      return read;
    }

    /** Which keys the volume holds, at which paths; empty for all of them, each at its own name. */
    private static Map<String, String> items(Fields source) {
      Map<String, String> items = new LinkedHashMap<>();
      for (Fields item : source.list("items")) {
        items.put(item.string("key"), item.string("path"));
        item.done();
      }
      return items;
    }
  }

  private static OptionalInt optionalInt(Fields fields, String key) {
    return fields.optionalInt(key).map(OptionalInt::of).orElse(OptionalInt.empty());
  }

  private static String seccomp(Fields profile) {
    String type = profile.string("type");
    profile.done();
    if (!type.equals("RuntimeDefault")) {
      throw new ManifestException(profile.path("type") + ": only RuntimeDefault (podman's default profile) is"
          + " honoured here, not " + type);
    }
    return type;
  }
}
