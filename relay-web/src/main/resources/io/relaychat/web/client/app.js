document.getElementById("app").textContent = "RelayChat";
