package dev.registry.examples.spring.greeting;

import dev.registry.spring.RegistryRegistration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Says hello, and which instance said it. */
@RestController
class GreetingController {
  private final RegistryRegistration me;

  GreetingController(RegistryRegistration me) {
    this.me = me;
  }

  @GetMapping("/greeting")
  String greeting() {
    return "Hello from " + me.getInstanceId() + " at port " + me.getPort();
  }
}
