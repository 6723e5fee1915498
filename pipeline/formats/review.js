// The review page's script (inlined by pipeline/formats/html.py): keeps each
// row's decision in its data-decision attribute, counts the rows reviewed,
// and saves every decision, with the records and texts they refer to, as a
// vntasks-review/1 file (read back by `vntasks annotations from-review`,
// pipeline/review.py). It needs no network and no other file.
(function () {
  "use strict";
  var settings = JSON.parse(document.querySelector("script.review-settings").textContent);
  var status = document.getElementById("review-status");

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-task]"));
  }

  function showProgress() {
    var all = rows();
    var done = all.filter(function (row) {
      return row.getAttribute("data-decision") !== "unreviewed";
    }).length;
    status.textContent = settings.progress
      .replace("{done}", String(done)).replace("{total}", String(all.length));
  }

  function lines(value) {
    return value.split("\n").map(function (line) { return line.trim(); })
      .filter(function (line) { return line.length > 0; });
  }

  function correction(row) {
    function field(name) {
      return row.querySelector('[data-field="' + name + '"]').value.trim();
    }
    var deadline = field("deadline");
    return {
      description: field("description"),
      lead: lines(row.querySelector('[data-field="lead"]').value),
      support: lines(row.querySelector('[data-field="support"]').value),
      deadline: deadline ? { text: deadline, due: field("due") || null } : null,
      note: field("note")
    };
  }

  function collect() {
    var documents = [];
    document.querySelectorAll("section.document").forEach(function (section) {
      var data = JSON.parse(section.querySelector("script.review-data").textContent);
      var sectionRows = section.querySelectorAll("tr[data-task]");
      var tasks = data.tasks.map(function (task, index) {
        var row = sectionRows[index];
        var decision = row.getAttribute("data-decision");
        return {
          id: task.id,
          decision: decision,
          predicted: task,
          correction: decision === "corrected" ? correction(row) : null
        };
      });
      documents.push({ document: data.document, text: data.text, tasks: tasks });
    });
    return {
      format: settings.format,
      generator: settings.generator,
      reviewed_at: new Date().toISOString(),
      documents: documents
    };
  }

  function save() {
    var text = JSON.stringify(collect(), null, 2) + "\n";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    link.download = settings.file_name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    status.textContent = settings.saved_as.replace("{name}", settings.file_name);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "radio" && input.name.indexOf("decision-") === 0) {
      input.closest("tr").setAttribute("data-decision", input.value);
      showProgress();
    }
  });
  document.getElementById("save-review").addEventListener("click", save);
  window.vntasksReview = { collect: collect, save: save };
  showProgress();
})();
