package dev.registry.client.etcd;

import dev.registry.client.ServiceInstance;
import dev.registry.client.ServiceListener;
import dev.registry.client.ServiceView;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the views a watch delivers. */
final class Recorder implements ServiceListener {
  final List<ServiceView> views = new CopyOnWriteArrayList<>();

  @Override
  public void onChange(ServiceView view) {
    views.add(view);
  }

  /** The ids in the last view, "id:STATUS" each. */
  List<String> last() {
    if (views.isEmpty()) {
      return List.of("(no view)");
    }
    return views.get(views.size() - 1).instances().stream().map(Recorder::describe).toList();
  }

  static String describe(ServiceInstance i) {
    return i.id() + ":" + i.status();
  }
}
