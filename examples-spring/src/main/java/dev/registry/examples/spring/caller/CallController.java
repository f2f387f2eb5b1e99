package dev.registry.examples.spring.caller;

import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.ResponseStatusException;

/** Calls the greeting service by name. */
@RestController
class CallController {
  private final RestClient greetings;

  CallController(RestClient.Builder loadBalanced) {
    this.greetings = loadBalanced.baseUrl("http://greeting-service").build();
  }

  @GetMapping("/call")
  List<String> call(@RequestParam(defaultValue = "1") int times) {
    if (times < 1 || times > 100) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
          "times must be between 1 and 100: " + times);
    }
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      answers.add(greetings.get().uri("/greeting").retrieve().body(String.class));
    }
    return answers;
  }
}
