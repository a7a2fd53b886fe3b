package ai.curator.cli;

import ai.curator.api.Cancellation;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM handlers for {@code curator run}: a signal becomes a {@link Cancellation}
 * request. A cooperative stage (one that polls, such as {@code embed: encoder}) then stops at its
 * next poll with its native sessions closed, and the CLI exits 130 / 143 with one line naming the
 * stage; any other stage is ended at once by {@code System.exit} (the JVM's own behaviour) after
 * the same line. A second signal, or a cooperative stage that does not poll within {@link
 * Cancellation#GRACE_SECONDS}, exits at once.
 */
final class Interrupts implements AutoCloseable {
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private Interrupts() {}

    /** Installs the handlers; {@link #close} restores the previous ones. */
    static Interrupts install(Cancellation cancellation, PrintStream err) {
        Interrupts in = new Interrupts();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal s = new Signal(name);
                in.previous.put(s, Signal.handle(s, sig -> onSignal(sig, cancellation, err)));
            } catch (IllegalArgumentException e) {
                // the signal is reserved here (e.g. java -Xrs): keep the JVM's own handling
            }
        }
        return in;
    }

    private static void onSignal(Signal sig, Cancellation cancellation, PrintStream err) {
        String name = "SIG" + sig.getName();
        int code = 128 + sig.getNumber();
        if (cancellation.signal() != null) {
            err.println("curator: second " + name + ", stopping now");
            err.flush();
            System.exit(code);
            return;
        }
        cancellation.request(name, code);
        if (!cancellation.cooperative()) {
            err.println("curator: " + Cancellation.message(name, cancellation.stage()));
            err.flush();
            System.exit(code);
            return;
        }
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(Cancellation.GRACE_SECONDS * 1000L);
                    } catch (InterruptedException e) {
                        return;
                    }
                    err.println("curator: " + Cancellation.message(name, cancellation.stage())
                            + " (the stage did not stop" + " within " + Cancellation.GRACE_SECONDS + " s)");
                    err.flush();
                    System.exit(code);
                },
                "curator-interrupt-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @Override
    public void close() {
        previous.forEach((s, h) -> {
            try {
                Signal.handle(s, h);
            } catch (IllegalArgumentException e) {
                // cannot happen for a signal we installed on
            }
        });
    }
}
