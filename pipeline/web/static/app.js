// vanban serve: small progressive enhancements; every page works without them.
"use strict";
(function () {
  // Upload: drop a file on the zone, show its name, say that work is under way.
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file");
  var form = document.getElementById("upload-form");
  if (zone && input && form) {
    var chosen = document.getElementById("chosen");
    var show = function () { chosen.textContent = input.files.length ? input.files[0].name : ""; };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        show();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", function () {
      document.getElementById("busy").hidden = false;
      document.getElementById("upload-submit").disabled = true;
    });
  }

  // Upload result: an item in the table <-> its highlight in the text.
  var text = document.getElementById("doctext");
  if (text) {
    var flash = function (els) {
      els.forEach(function (el) { el.classList.add("flash"); });
      setTimeout(function () { els.forEach(function (el) { el.classList.remove("flash"); }); }, 1600);
    };
    document.querySelectorAll("a.jump[data-item]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        var id = a.getAttribute("data-item");
        var marks = Array.prototype.slice.call(text.querySelectorAll("mark"))
          .filter(function (m) { return (m.getAttribute("data-items") || "").split(" ").indexOf(id) >= 0; });
        if (!marks.length) { return; }
        e.preventDefault();
        marks[0].scrollIntoView({ block: "center" });
        flash(marks);
      });
    });
    text.addEventListener("click", function (e) {
      var m = e.target.closest("mark");
      if (!m) { return; }
      var ids = (m.getAttribute("data-items") || "").split(" ");
      var row = document.getElementById("row-" + ids[ids.length - 1]);
      if (row) { row.scrollIntoView({ block: "center" }); flash([row]); }
    });
    document.querySelectorAll("#legend input[data-kind]").forEach(function (box) {
      box.addEventListener("change", function () {
        text.classList.toggle("hide-" + box.getAttribute("data-kind"), !box.checked);
      });
    });
  }

  // Facets: show the long tail on demand.
  document.querySelectorAll(".facet").forEach(function (f) {
    if (f.querySelector("li.more")) {
      f.classList.add("collapsed");
      var b = document.createElement("button");
      b.type = "button"; b.className = "button secondary small"; b.textContent = "Xem thêm";
      b.addEventListener("click", function () {
        f.classList.toggle("collapsed");
        b.textContent = f.classList.contains("collapsed") ? "Xem thêm" : "Thu gọn";
      });
      f.appendChild(b);
    }
  });

  // Compare: a change of indicator, year or toggle shows the new table at once.
  document.querySelectorAll("#compare-form .autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { document.getElementById("compare-form").requestSubmit(); });
  });
})();
