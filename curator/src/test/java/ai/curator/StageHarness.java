package ai.curator;

import ai.curator.api.Plan;
import ai.curator.api.Progress;
import ai.curator.api.Selection;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.api.Table;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs one stage on a table outside a pipeline, for unit and contract tests of stages. It is the
 * stage's context, not a stand-in for the stage: the stage's own code runs for real.
 */
public final class StageHarness implements StageContext {
  private final Table table;
  private final long seed;
  private final Path outputDir;
  private final Map<String, double[]> scores = new LinkedHashMap<>();
  private final List<Path> outputs = new ArrayList<>();
  private Selection selection;

  public StageHarness(Table table, long seed, Path outputDir) {
    this.table = table;
    this.seed = seed;
    this.outputDir = outputDir;
  }

  /** Plans (with the table's shape) and runs {@code stage}; returns this harness. */
  public StageHarness run(Stage stage) {
    Plan plan = new Plan(table.rows(), table.columnNames());
    scores.keySet().forEach(plan::produceScore);
    if (selection != null) {
      plan.produceSelection();
    }
    plan.enter("test stage");
    stage.plan(plan);
    stage.run(this);
    return this;
  }

  public List<Path> outputs() {
    return outputs;
  }

  @Override
  public Table table() {
    return table;
  }

  @Override
  public Map<String, double[]> scores() {
    return Collections.unmodifiableMap(scores);
  }

  @Override
  public void putScore(String name, double[] values) {
    scores.put(name, values);
  }

  @Override
  public Optional<Selection> selection() {
    return Optional.ofNullable(selection);
  }

  @Override
  public void setSelection(Selection selection) {
    this.selection = selection;
  }

  @Override
  public SplittableRandom random() {
    return new SplittableRandom(seed);
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public Path outputDir() {
    return outputDir;
  }

  @Override
  public ObjectNode provenance() {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("harness", true);
    return p;
  }

  @Override
  public void addOutput(Path file) {
    outputs.add(file);
  }

  @Override
  public Progress progress(String task, long total) {
    return Progress.none();
  }

  @Override
  public void log(String message) {}
}
