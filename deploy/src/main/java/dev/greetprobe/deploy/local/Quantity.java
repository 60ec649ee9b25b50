package dev.greetprobe.deploy.local;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes' resource quantities ({@code 512Mi}, {@code 500m}, {@code 1}) as the numbers podman takes. */
final class Quantity {

  private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?");
  private static final Map<String, BigDecimal> SUFFIXES = Map.of(
      "Ki", BigDecimal.valueOf(1L << 10), "Mi", BigDecimal.valueOf(1L << 20), "Gi", BigDecimal.valueOf(1L << 30),
      "Ti", BigDecimal.valueOf(1L << 40), "k", BigDecimal.valueOf(1_000L), "M", BigDecimal.valueOf(1_000_000L),
      "G", BigDecimal.valueOf(1_000_000_000L), "T", BigDecimal.valueOf(1_000_000_000_000L),
      "m", new BigDecimal("0.001"));

  private Quantity() {
  }

  static BigDecimal parse(String path, String quantity) {
    Matcher form = FORM.matcher(quantity);
    if (!form.matches()) {
      throw new ManifestException(path + ": '" + quantity + "' is not a quantity such as 512Mi or 500m");
    }
    BigDecimal number = new BigDecimal(form.group(1));
    return form.group(2) == null ? number : number.multiply(SUFFIXES.get(form.group(2)));
  }

  /** Memory in whole bytes. */
  static long bytes(String path, String quantity) {
    return parse(path, quantity).longValueExact();
  }

  /** CPU in cores, such as {@code 0.5} for {@code 500m}. */
  static String cores(String path, String quantity) {
    return parse(path, quantity).stripTrailingZeros().toPlainString();
  }

  /** CPU as podman's relative shares, 1,024 to a core, as the kubelet sets them from a request. */
  static long shares(String path, String quantity) {
    return Math.max(2, parse(path, quantity).multiply(BigDecimal.valueOf(1024)).longValue());
  }
}
