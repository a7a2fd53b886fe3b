package ai.curator.spark;

import ai.curator.api.Progress;
import ai.curator.pipeline.ProgressBars;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Progress of the Spark jobs a curator stage runs, with its ETA: a bar per job on a terminal, a
 * line now and then elsewhere (curator's {@link ProgressBars}), counting finished tasks against
 * the job's tasks (stages Spark skips because their output exists are counted too, so a bar may
 * end short of full).
 */
final class SparkProgress extends SparkListener {
    private final ProgressBars bars;
    private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
    private final Map<Integer, Progress> jobs = new ConcurrentHashMap<>();
    private volatile String stage = "load";

    SparkProgress(ProgressBars bars) {
        this.bars = bars;
    }

    /** The curator stage whose jobs run next (names the bars). */
    void stage(String name) {
        stage = name;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
        long total = 0;
        for (StageInfo s : scala.jdk.javaapi.CollectionConverters.asJava(e.stageInfos())) {
            jobOfStage.put(s.stageId(), e.jobId());
            total += s.numTasks();
        }
        jobs.put(e.jobId(), bars.start(stage + ": Spark job " + e.jobId(), total));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        if (!e.taskInfo().successful()) {
            return;
        }
        Integer job = jobOfStage.get(e.stageId());
        Progress p = job == null ? null : jobs.get(job);
        if (p != null) {
            p.step(1);
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
        Progress p = jobs.remove(e.jobId());
        if (p != null) {
            p.close();
        }
    }
}
