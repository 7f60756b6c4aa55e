package io.pldr.tf.distributed;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import com.google.common.net.HostAndPort;
import io.pldr.tf.runtime.SessionConfigs;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Server;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.ServerDef;

/**
 * This process's worker in a cluster: TensorFlow's gRPC server for its task, and sessions whose
 * master is that server, so that their collective operations meet the other workers'. The server
 * lives as long as the process (TensorFlow Java cannot stop one).
 *
 * <p>TensorFlow Java's public {@code Session} constructors take no target; the C API does ({@code
 * TF_SetTarget}), and its session is wrapped through {@code Session}'s package-private constructor.
 * That one reflective step is kept here.
 */
public final class WorkerServer {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerServer.class);

  private final ClusterSpec cluster;
  private final ConfigProto config;
  private final Server server;

  private WorkerServer(ClusterSpec cluster, ConfigProto config, Server server) {
    this.cluster = cluster;
    this.config = config;
    this.server = server;
  }

  /**
   * Starts this task's server on its address from {@code cluster}; fails, naming the address, if
   * its port is taken.
   */
  public static WorkerServer start(ClusterSpec cluster) {
    HostAndPort self = cluster.self();
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(self.getPort()));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "task "
              + cluster.task()
              + "'s address "
              + self
              + " ("
              + cluster.source()
              + "): port "
              + self.getPort()
              + " is in use or cannot be bound ("
              + e.getMessage()
              + "); expected a free port",
          e);
    }
    ConfigProto config = sessionConfig(cluster);
    Server server =
        new Server(
            ServerDef.newBuilder()
                .setCluster(cluster.clusterDef())
                .setJobName(ClusterSpec.JOB)
                .setTaskIndex(cluster.task())
                .setProtocol("grpc")
                .setDefaultSessionConfig(config)
                .build());
    server.start();
    LOG.info(
        "task {} of {}: TensorFlow server on {} (chief: {})",
        cluster.task(),
        cluster.size(),
        self,
        cluster.workers().get(0));
    return new WorkerServer(cluster, config, server);
  }

  /**
   * Every worker of a cluster of {@code workers} on free loopback ports, all in this process, in
   * task order (benchmarks, tests).
   */
  public static List<WorkerServer> loopback(int workers) {
    String list = ClusterSpec.loopback(workers);
    List<WorkerServer> out = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      out.add(start(ClusterSpec.parse(list, i)));
    }
    return out;
  }

  /**
   * The configuration of this task's sessions: the process's thread settings, the chief as the
   * collectives' group leader, and only this task's devices (each worker computes on its own).
   */
  static ConfigProto sessionConfig(ClusterSpec cluster) {
    ConfigProto.Builder b = SessionConfigs.standard().toBuilder();
    b.addDeviceFilters(ClusterSpec.device(cluster.task()));
    b.getExperimentalBuilder().setCollectiveGroupLeader(ClusterSpec.device(0));
    return b.build();
  }

  /** The cluster. */
  public ClusterSpec cluster() {
    return cluster;
  }

  /** {@code grpc://host:port} of this task. */
  public String target() {
    return "grpc://" + cluster.self();
  }

  /**
   * Waits until every other worker accepts connections, for at most {@code limit}; fails naming the
   * workers that did not.
   */
  public void awaitPeers(Duration limit) throws InterruptedException {
    long until = System.nanoTime() + limit.toNanos();
    List<Integer> waiting = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      if (i != cluster.task()) {
        waiting.add(i);
      }
    }
    while (true) {
      waiting.removeIf(i -> reachable(cluster.workers().get(i), Duration.ofMillis(500)));
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() - until >= 0) {
        throw new IllegalArgumentException(
            "task "
                + cluster.task()
                + ": "
                + describe(waiting)
                + " unreachable after "
                + limit.toSeconds()
                + " s; expected every worker of "
                + cluster.source()
                + " ("
                + cluster.list()
                + ") to be started with the same list");
      }
      Thread.sleep(200);
    }
  }

  /**
   * The other tasks whose address no longer accepts connections. A worker killed a moment ago can
   * still accept while its process exits (its connections reset first): if every address answers,
   * they are probed again for up to {@link #SETTLE}.
   */
  public List<Integer> lost() {
    long until = System.nanoTime() + SETTLE.toNanos();
    while (true) {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        if (i != cluster.task() && !reachable(cluster.workers().get(i), Duration.ofSeconds(2))) {
          out.add(i);
        }
      }
      if (!out.isEmpty() || System.nanoTime() > until) {
        return out;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return out;
      }
    }
  }

  /** How long {@link #lost} keeps probing addresses that all still answer. */
  public static final Duration SETTLE = Duration.ofSeconds(3);

  /** "task 1 (h:p)" or "tasks 1 (h:p), 2 (h:p)". */
  public String describe(List<Integer> tasks) {
    List<String> parts = new ArrayList<>();
    for (int i : tasks) {
      parts.add(i + " (" + cluster.workers().get(i) + ")");
    }
    return (tasks.size() == 1 ? "task " : "tasks ")
        + String.join(", ", parts)
        + (tasks.size() == 1 ? " is" : " are");
  }

  private static boolean reachable(HostAndPort a, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(a.getHost(), a.getPort()), (int) timeout.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A session on {@code graph} whose master is this task's server. */
  public Session openSession(Graph graph) {
    TF_SessionOptions options = TF_NewSessionOptions();
    try (TF_Status status = TF_Status.newStatus();
        GraphHandle handle = GraphHandle.of(graph)) {
      TF_SetTarget(options, target());
      byte[] bytes = config.toByteArray();
      try (BytePointer p = new BytePointer(bytes)) {
        TF_SetConfig(options, p, bytes.length, status);
      }
      status.throwExceptionIfNotOK();
      TF_Session session = TF_NewSession(handle.graph(), options, status);
      status.throwExceptionIfNotOK();
      return wrap(graph, session);
    } finally {
      TF_DeleteSessionOptions(options);
    }
  }

  /**
   * A graph's native handle, through the reference TensorFlow Java counts (the graph waits for it
   * on close): released when closed.
   */
  private record GraphHandle(TF_Graph graph, AutoCloseable reference) implements AutoCloseable {
    static GraphHandle of(Graph graph) {
      try {
        Method ref = Graph.class.getDeclaredMethod("ref");
        ref.setAccessible(true);
        AutoCloseable reference = (AutoCloseable) ref.invoke(graph);
        Method handle = reference.getClass().getDeclaredMethod("nativeHandle");
        handle.setAccessible(true);
        return new GraphHandle((TF_Graph) handle.invoke(reference), reference);
      } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(
            "TensorFlow Java's Graph no longer exposes its native handle as 1.1.0 did", e);
      }
    }

    @Override
    public void close() {
      try {
        reference.close();
      } catch (Exception e) {
        throw new IllegalStateException("releasing a graph reference failed", e);
      }
    }
  }

  private static Session wrap(Graph graph, TF_Session session) {
    try {
      Constructor<Session> c = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      c.setAccessible(true);
      return c.newInstance(graph, session);
    } catch (NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException e) {
      throw new IllegalStateException(
          "TensorFlow Java's Session can no longer wrap a C API session as 1.1.0 did", e);
    }
  }
}
