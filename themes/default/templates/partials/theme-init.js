(function(d){d.classList.add("js");try{var t=localStorage.getItem("backlot-theme");if(t==="light"||t==="dark")d.setAttribute("data-theme",t)}catch(e){}})(document.documentElement)
