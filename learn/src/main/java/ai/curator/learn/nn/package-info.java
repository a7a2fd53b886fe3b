/**
 * Small neural networks on DJL + PyTorch: engine loading ({@link ai.curator.learn.nn.Torch}), the
 * MLP ({@link ai.curator.learn.nn.Mlp}) and the weighted MLP classifier used as the task network
 * ({@link ai.curator.learn.nn.MlpClassifier}).
 */
package ai.curator.learn.nn;
