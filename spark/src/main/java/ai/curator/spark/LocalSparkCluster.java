package ai.curator.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on this machine, loopback only: a master and {@code workers} workers
 * (each {@code cores} cores, {@code memory} for executors) in their own JVMs, started with a given
 * {@code java} command line (whose class path holds Spark), with a Spark home that is a folder of
 * jars only. Executors are launched by the workers, as on a real cluster. For tests and {@code
 * curator bench spark}; daemons' output goes to {@code master.log}, {@code worker<i>.log} in {@code dir}.
 */
public final class LocalSparkCluster implements AutoCloseable {
    private final List<Process> daemons = new ArrayList<>();
    private final String master;
    private final List<String> javaCommand;

    /**
     * @param java the command that starts a daemon's JVM up to its main class: {@code java}, JVM
     *     options, {@code -cp}, a class path with Spark
     */
    public LocalSparkCluster(Path dir, int workers, int cores, String memory, List<String> java)
            throws IOException, InterruptedException {
        this.javaCommand = List.copyOf(java);
        Path home = Files.createDirectories(dir.resolve("spark-home/jars"));
        Files.writeString(home.resolveSibling("RELEASE"), "curator bench: a Spark home of jars only\n");
        int port = freePort();
        int ui = freePort();
        master = "spark://127.0.0.1:" + port;
        try {
            daemons.add(start(
                    dir,
                    home.getParent(),
                    "master.log",
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    "--webui-port",
                    Integer.toString(ui)));
            for (int w = 0; w < workers; w++) {
                daemons.add(start(
                        dir,
                        home.getParent(),
                        "worker" + w + ".log",
                        "org.apache.spark.deploy.worker.Worker",
                        master,
                        "--host",
                        "127.0.0.1",
                        "--cores",
                        Integer.toString(cores),
                        "--memory",
                        memory,
                        "--webui-port",
                        Integer.toString(freePort()),
                        "--work-dir",
                        dir.resolve("work" + w).toString()));
            }
            waitForWorkers(ui, workers);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code spark://127.0.0.1:PORT}. */
    public String master() {
        return master;
    }

    /** The daemons (master, workers); executors are their descendants. */
    public List<ProcessHandle> daemons() {
        return daemons.stream().map(Process::toHandle).toList();
    }

    private Process start(Path dir, Path sparkHome, String log, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.13"); // else Spark's launcher looks for a source build
        return pb.start();
    }

    /** Polls the master's JSON page until {@code n} workers are alive. */
    private static void waitForWorkers(int ui, int n) throws IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + ui + "/json/");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        String last = "no answer";
        while (System.nanoTime() < end) {
            try {
                String body = http.send(
                                java.net.http.HttpRequest.newBuilder(uri).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body();
                last = body;
                if (new ObjectMapper().readTree(body).path("aliveworkers").asInt() >= n) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IOException("the local Spark master never had " + n + " workers: " + last);
    }

    /** A free TCP port on this machine. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the daemons and the executors they launched. */
    @Override
    public void close() {
        for (Process p : daemons) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : daemons) {
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
