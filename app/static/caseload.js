// New-case form: show the second partner's fields only for a couple.
(function () {
  "use strict";
  var radios = document.querySelectorAll("[data-case-kind]");
  if (!radios.length) return;
  var form = radios[0].form;
  function update() {
    var checked = form.querySelector("[data-case-kind]:checked");
    var couple = !checked || checked.value === "couple";
    form.classList.toggle("is-individual", !couple);
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
