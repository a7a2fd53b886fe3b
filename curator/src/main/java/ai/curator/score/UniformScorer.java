package ai.curator.score;

import ai.curator.api.Plan;
import ai.curator.api.Stage;
import ai.curator.api.StageContext;
import ai.curator.api.StageProvider;
import java.util.Arrays;

/**
 * The constant score 1 for every row: sensitivity sampling on it is uniform sampling with
 * replacement, so a recipe can swap scorers while keeping the selector.
 */
public final class UniformScorer implements Stage {

  /**
   * Options of {@code score: uniform}.
   *
   * @param column the score column written; default {@code uniform}
   */
  public record Options(String column) {
    public Options {
      column = column == null ? "uniform" : column;
    }
  }

  /** Registers {@code score: uniform}. */
  public static final class Provider implements StageProvider<Options> {
    @Override
    public String role() {
      return "score";
    }

    @Override
    public String method() {
      return "uniform";
    }

    @Override
    public String summary() {
      return "the constant score 1 (sensitivity sampling on it is uniform sampling)";
    }

    @Override
    public Class<Options> optionsType() {
      return Options.class;
    }

    @Override
    public Stage create(Options options) {
      return new UniformScorer(options);
    }
  }

  private final Options options;

  public UniformScorer(Options options) {
    this.options = options;
  }

  @Override
  public void plan(Plan plan) {
    plan.produceScore(options.column());
  }

  @Override
  public void run(StageContext ctx) {
    double[] ones = new double[ctx.table().rows()];
    Arrays.fill(ones, 1.0);
    ctx.putScore(options.column(), ones);
  }
}
