package io.pldr.tf.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.HostAndPort;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;

/**
 * The workers of a data-parallel run and which one this process is: every worker's {@code
 * host:port} in task order, and this process's task index. Task 0 is the chief. Given on the
 * command line ({@code --cluster h:p,h:p --task I}) or, as TensorFlow's multi-worker users know it,
 * in a {@code TF_CONFIG} environment variable.
 *
 * @param source where the value came from ({@code --cluster} or {@code TF_CONFIG}), named in errors
 */
public record ClusterSpec(List<HostAndPort> workers, int task, String source) {
  /** The one job every task belongs to. */
  public static final String JOB = "worker";

  public ClusterSpec {
    Objects.requireNonNull(source, "source");
    workers = List.copyOf(workers);
    if (workers.isEmpty()) {
      throw new IllegalArgumentException(source + ": expected at least one worker host:port");
    }
    Set<HostAndPort> seen = new HashSet<>();
    for (HostAndPort w : workers) {
      if (!w.hasPort()) {
        throw new IllegalArgumentException(
            source + ": worker '" + w + "' has no port; expected host:port");
      }
      if (!seen.add(w)) {
        throw new IllegalArgumentException(
            source + ": worker address " + w + " is listed twice; each task needs its own address");
      }
    }
    if (task < 0 || task >= workers.size()) {
      throw new IllegalArgumentException(
          "task index "
              + task
              + " is outside the cluster of "
              + workers.size()
              + " workers ("
              + source
              + "); expected 0 to "
              + (workers.size() - 1));
    }
  }

  /** {@code --cluster host:port,host:port,…} and {@code --task I}. */
  public static ClusterSpec parse(String cluster, int task) {
    List<HostAndPort> workers = new ArrayList<>();
    for (String part : cluster.split(",", -1)) {
      workers.add(address(part.trim(), "--cluster"));
    }
    return new ClusterSpec(workers, task, "--cluster");
  }

  /**
   * A {@code TF_CONFIG} value: {@code {"cluster": {"worker": ["h:p", …]}, "task": {"type":
   * "worker", "index": I}}}; a {@code "chief"} job of one address, if present, is task 0 and the
   * workers follow it.
   */
  public static ClusterSpec fromTfConfig(String json) {
    String source = "TF_CONFIG";
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          source + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(source + ": expected a JSON object with cluster and task");
    }
    JsonNode cluster = root.path("cluster");
    if (!cluster.isObject()) {
      throw new IllegalArgumentException(source + ": expected an object at \"cluster\"");
    }
    cluster
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!name.equals("chief") && !name.equals("worker")) {
                throw new IllegalArgumentException(
                    source
                        + ": job \""
                        + name
                        + "\" in cluster is not supported; expected \"chief\" and \"worker\"");
              }
            });
    List<HostAndPort> chiefs = addresses(cluster.path("chief"), source + " cluster.chief");
    if (chiefs.size() > 1) {
      throw new IllegalArgumentException(
          source + ": cluster.chief has " + chiefs.size() + " addresses; expected one");
    }
    List<HostAndPort> workers = new ArrayList<>(chiefs);
    workers.addAll(addresses(cluster.path("worker"), source + " cluster.worker"));
    JsonNode task = root.path("task");
    String type = task.path("type").asText("");
    JsonNode index = task.path("index");
    if (!type.equals("worker") && !type.equals("chief")) {
      throw new IllegalArgumentException(
          source + ": task.type is '" + type + "'; expected \"worker\" or \"chief\"");
    }
    if (!index.canConvertToInt() || !index.isIntegralNumber()) {
      throw new IllegalArgumentException(
          source + ": task.index is '" + index + "'; expected a whole number");
    }
    int i = index.asInt();
    if (type.equals("chief") && i != 0) {
      throw new IllegalArgumentException(
          source + ": task.index of the chief is " + i + "; expected 0");
    }
    return new ClusterSpec(workers, type.equals("chief") ? i : chiefs.size() + i, source);
  }

  private static List<HostAndPort> addresses(JsonNode list, String where) {
    List<HostAndPort> out = new ArrayList<>();
    if (list.isMissingNode()) {
      return out;
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException(where + ": expected an array of \"host:port\" strings");
    }
    for (JsonNode n : list) {
      if (!n.isTextual()) {
        throw new IllegalArgumentException(where + ": '" + n + "' is not a \"host:port\" string");
      }
      out.add(address(n.asText(), where));
    }
    return out;
  }

  private static HostAndPort address(String text, String where) {
    try {
      HostAndPort a = HostAndPort.fromString(text);
      if (a.getHost().isEmpty() || !a.hasPort()) {
        throw new IllegalArgumentException("no host or no port");
      }
      return a;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + ": '" + text + "' is not an address; expected host:port (e.g. 10.0.0.2:2222)", e);
    }
  }

  /**
   * A {@code --cluster} list of {@code workers} free loopback ports ({@code localhost:p,…}), for
   * workers on this machine (benchmarks, tests). A port is free when chosen; another process may
   * take it before its worker starts.
   */
  public static String loopback(int workers) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        out.add("localhost:" + s.getLocalPort());
      } catch (IOException e) {
        throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
      }
    }
    return String.join(",", out);
  }

  /** Workers in the cluster. */
  public int size() {
    return workers.size();
  }

  /** Whether this process is task 0, the chief (checkpoints, TensorBoard, progress). */
  public boolean isChief() {
    return task == 0;
  }

  /** This process's own address. */
  public HostAndPort self() {
    return workers.get(task);
  }

  /** The device prefix of task {@code i}: {@code /job:worker/replica:0/task:i}. */
  public static String device(int i) {
    return "/job:" + JOB + "/replica:0/task:" + i;
  }

  /** The cluster as TensorFlow's {@code ClusterDef}. */
  public ClusterDef clusterDef() {
    JobDef.Builder job = JobDef.newBuilder().setName(JOB);
    for (int i = 0; i < workers.size(); i++) {
      job.putTasks(i, workers.get(i).toString());
    }
    return ClusterDef.newBuilder().addJob(job).build();
  }

  /** {@code h:p,h:p,…}, the form {@code --cluster} takes. */
  public String list() {
    return String.join(",", workers.stream().map(HostAndPort::toString).toList());
  }
}
