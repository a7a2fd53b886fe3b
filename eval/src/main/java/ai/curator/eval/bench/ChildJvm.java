package ai.curator.eval.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts a child JVM like this one, for benchmarks that spread work over processes. */
public final class ChildJvm {
    private ChildJvm() {}

    /** Exit code of a child whose parent is gone. */
    public static final int ORPHANED = 3;

    /**
     * Called first in a child's {@code main}: halts this JVM with {@value #ORPHANED} as soon as the
     * process {@code parentPid} ends (killed, or stopped with Ctrl-C), or at once if it has already
     * ended, so no orphan keeps a core busy.
     */
    public static void haltWhenParentEnds(long parentPid) {
        ProcessHandle.of(parentPid)
                .ifPresentOrElse(
                        parent -> parent.onExit()
                                .thenRun(() -> Runtime.getRuntime().halt(ORPHANED)),
                        () -> Runtime.getRuntime().halt(ORPHANED));
    }

    /** This JVM's {@code java}, options (debug agents left out) and class path; the main class comes next. */
    public static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp") && !a.equals("-Xdebug")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }
}
