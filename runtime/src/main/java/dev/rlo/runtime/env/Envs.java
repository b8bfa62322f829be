package dev.rlo.runtime.env;

import dev.rlo.runtime.train.Call;
import dev.rlo.runtime.train.TrainError;
import java.util.List;

/** The environments a train block can name, e.g. {@code env = cartpole(envs: 8)} or {@code env = "CartPole-v1"}. */
public final class Envs {

    /** The names {@code env} accepts (Gymnasium ids work too). */
    public static final List<String> NAMES = List.of("cartpole", "acrobot", "mountain_car", "pendulum", "frozen_lake", "cliff_walking", "lottery");

    private Envs() { }

    /** Makes copies of one environment: for training, and fresh ones for evaluation. */
    @FunctionalInterface
    public interface Factory {
        VecEnv make(int envs, long seed);
    }

    /** The environment {@code call} names; its {@code envs} argument is read by the caller. */
    public static Factory factory(Call call) {
        return switch (call.name()) {
            case "cartpole", "CartPole-v1" -> CartPole::new;
            case "acrobot", "Acrobot-v1" -> Acrobot::new;
            case "mountain_car", "MountainCar-v0" -> MountainCar::new;
            case "pendulum", "Pendulum-v1" -> Pendulum::new;
            case "frozen_lake", "FrozenLake-v1" -> FrozenLake::new;
            case "cliff_walking", "CliffWalking-v1" -> {
                int maxSteps = call.positive("max_steps", 500, 1);
                yield (envs, seed) -> new CliffWalking(envs, seed, maxSteps);
            }
            case "lottery" -> Lottery::new;
            case "digits" -> throw new TrainError(call.span(), "`digits` is a sequence task: it takes the group or the preference loop",
                    "loop = group(prompts: 16, samples: 8)");
            default -> throw new TrainError(call.span(), "no environment `" + call.name() + "`",
                    "the environments are " + String.join(", ", NAMES));
        };
    }
}
