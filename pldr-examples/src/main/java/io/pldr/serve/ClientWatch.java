package io.pldr.serve;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices clients that leave while their answer is still being computed. A streaming answer would
 * notice at its next write; a whole answer writes only at the end, and HTTP/1.1 servers (Jetty
 * among them) do not read a connection while its request is being handled, so a closed connection
 * would go unseen and its tokens be decoded for nobody.
 *
 * <p>So the connection's socket is also registered, for reading, with a selector of this watch's
 * own, from the moment the request's body has been read until its response completes. The socket
 * turns readable when the client closes it (end of stream or reset): the watch reads it, and on end
 * of stream or an error runs the request's action. A client that sends bytes instead (a pipelined
 * request, which no mainstream client does while an answer is pending) gets its answer, then its
 * connection is closed, since one of its bytes was consumed. Jetty's own failure listener is
 * registered too, for what Jetty itself notices.
 */
final class ClientWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientWatch.class);

  private final Selector selector;
  private final Queue<Watched> joining = new ConcurrentLinkedQueue<>();
  private final Thread thread;

  /** A watch with its selector thread. */
  ClientWatch() {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector to watch client connections", e);
    }
    this.thread = new Thread(this::loop, "pldr-client-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Runs {@code gone} (at most once) if the client of {@code request} leaves before its response
   * completes; returns what stops watching. Call once the request's body has been read; stop
   * watching before writing the response's last bytes (a client that has them may send its next
   * request on the same connection at once, and that is Jetty's to read).
   */
  Runnable watch(HttpServletRequest request, Runnable gone) {
    Request jetty = ServletContextRequest.getServletContextRequest(request);
    Watched w = new Watched(gone);
    jetty.addFailureListener(failure -> w.gone());
    EndPoint endPoint = jetty.getConnectionMetaData().getConnection().getEndPoint();
    Request.addCompletionListener(
        jetty,
        failure -> {
          if (w.finish()) {
            endPoint.close();
          }
        });
    if (endPoint instanceof SocketChannelEndPoint socket) {
      w.channel = socket.getChannel();
      joining.add(w);
      selector.wakeup();
    }
    return w::finish;
  }

  private void loop() {
    ByteBuffer one = ByteBuffer.allocate(1);
    try {
      while (selector.isOpen()) {
        selector.select(1000);
        for (Watched w; (w = joining.poll()) != null; ) {
          w.register(selector);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          ((Watched) key.attachment()).readable(key, one);
        }
        selector.selectedKeys().clear();
        for (SelectionKey key : selector.keys()) {
          if (((Watched) key.attachment()).finished()) {
            key.cancel();
          }
        }
      }
    } catch (ClosedSelectorException e) {
      // closed: the server stops
    } catch (IOException | RuntimeException e) {
      LOG.warn("the client watch stopped: clients that leave are noticed at the next write", e);
    }
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("closing the client watch's selector", e);
    }
  }

  /** One request being watched; its socket is read only while its response is pending. */
  private static final class Watched {
    private final Runnable action;
    private final AtomicBoolean ran = new AtomicBoolean();
    private boolean finished; // guarded by this: once set, the socket is Jetty's alone again
    private boolean consumed; // guarded by this: a byte of the client's was read here
    SocketChannel channel;

    Watched(Runnable action) {
      this.action = action;
    }

    void gone() {
      if (ran.compareAndSet(false, true)) {
        action.run();
      }
    }

    /** The response completed: stop reading; whether the connection must close. */
    synchronized boolean finish() {
      finished = true;
      return consumed;
    }

    synchronized boolean finished() {
      return finished;
    }

    void register(Selector selector) {
      try {
        synchronized (this) {
          if (!finished) {
            channel.register(selector, SelectionKey.OP_READ, this);
          }
        }
      } catch (IOException | CancelledKeyException e) {
        LOG.debug("a client connection closed before it could be watched", e);
        gone();
      }
    }

    /** The socket is readable: end of stream or an error means the client left. */
    void readable(SelectionKey key, ByteBuffer one) {
      int n;
      synchronized (this) {
        if (finished) {
          key.cancel();
          return;
        }
        try {
          one.clear();
          n = channel.read(one);
        } catch (IOException e) {
          n = -1;
        }
        consumed |= n > 0;
      }
      if (n < 0) {
        key.cancel();
        gone();
      } else if (n > 0) {
        // bytes of a next request: stop watching; the connection ends after this answer
        key.cancel();
      }
    }
  }
}
