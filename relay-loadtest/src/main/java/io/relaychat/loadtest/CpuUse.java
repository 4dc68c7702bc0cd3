package io.relaychat.loadtest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * What one measured stretch cost in CPU, as reported: CPU seconds, their share of one core over the stretch's
 * wall time (1.0 is one core busy all along, 2.0 two), and microseconds per delivery counted in the stretch;
 * per process too when there were several.
 *
 * @param usPerDelivery null when nothing was delivered (idle, or per process: deliveries are not told apart by node)
 * @param perPid        by process id, when several processes were summed; empty otherwise
 */
record CpuUse(@JsonProperty("cpu_seconds") double cpuSeconds, @JsonProperty("wall_seconds") double wallSeconds,
              @JsonProperty("core_share") double coreShare,
              @JsonProperty("us_per_delivery") @JsonInclude(JsonInclude.Include.NON_NULL) Double usPerDelivery,
              @JsonProperty("per_pid") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<Long, CpuUse> perPid) {

    static CpuUse of(double cpuSeconds, double wallSeconds, long deliveries, Map<Long, CpuUse> perPid) {
        return new CpuUse(round(cpuSeconds, 2), round(wallSeconds, 2), round(cpuSeconds / wallSeconds, 4),
                deliveries > 0 ? round(cpuSeconds * 1e6 / deliveries, 1) : null, perPid);
    }

    /** "cpu=6.92s core=34.6% per-delivery=34.6us (pid 81=3.40s, pid 82=3.52s)", for the readable result lines. */
    String describe() {
        StringBuilder text = new StringBuilder(String.format("cpu=%.2fs core=%.1f%%", cpuSeconds, coreShare * 100));
        if (usPerDelivery != null) {
            text.append(String.format(" per-delivery=%.1fus", usPerDelivery));
        }
        if (perPid != null && !perPid.isEmpty()) {
            text.append(" (");
            perPid.forEach((pid, use) -> text.append(String.format("pid %d=%.2fs, ", pid, use.cpuSeconds())));
            text.setLength(text.length() - 2);
            text.append(')');
        }
        return text.toString();
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
