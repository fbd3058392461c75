import { trusted } from "./html.ts";

/** Inline so the page needs no other request; sized for phones first. */
export const STYLE = trusted(`
*{box-sizing:border-box}
[hidden]{display:none!important}
.visually-hidden{position:absolute;left:-9999px}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1c1e21;background:#f0f2f5}
main{max-width:480px;margin:0 auto;background:#fff;min-height:100vh;padding:16px 20px 32px}
@media(min-width:520px){main{margin:24px auto;min-height:0;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.15)}}
h1{font-size:1.35rem;margin:.2em 0 .6em}h2{font-size:1.1rem;margin:1.2em 0 .5em}
.page-name{color:#65676b;font-size:.9rem;margin:0}
.card{border-bottom:1px solid #dadde1;padding-bottom:12px;margin-bottom:12px}
.field{margin:0 0 16px}
label,.legend{display:block;font-weight:600;margin:0 0 4px}
input[type=text],input[type=email],input[type=tel],input[type=date],input[type=datetime-local],input[type=search],select{
 width:100%;font:inherit;padding:10px 12px;border:1px solid #ccd0d5;border-radius:6px;background:#fff;min-height:44px}
input:focus,select:focus,button:focus,a:focus{outline:3px solid #1877f2;outline-offset:1px}
[aria-invalid=true]{border-color:#d93025!important;background:#fff8f7}
.hint{color:#65676b;font-size:.9rem;margin:4px 0 0}
.error{color:#b3261e;font-size:.9rem;margin:4px 0 0;font-weight:600}
.summary{border:2px solid #b3261e;border-radius:8px;padding:8px 12px;margin:0 0 16px;color:#b3261e}
.summary a{color:#b3261e}
.search{display:flex;gap:8px;margin-bottom:8px}.search input{flex:1}
button,.button{display:inline-block;font:inherit;font-weight:600;border:0;border-radius:6px;padding:12px 16px;min-height:44px;
 background:#1877f2;color:#fff;text-decoration:none;cursor:pointer;text-align:center}
button.secondary{background:#e4e6eb;color:#1c1e21}
.actions{display:flex;gap:8px;flex-wrap:wrap;margin-top:20px}.actions>*{flex:1}
fieldset{border:0;padding:0;margin:0 0 16px}
.check{display:flex;gap:8px;align-items:flex-start;font-weight:400}.check input{width:22px;height:22px;margin:2px 0 0;flex:none}
.legal{font-size:.9rem;color:#65676b}
dl.review dt{font-weight:600;margin-top:10px}dl.review dd{margin:0;word-break:break-word}
.notice{padding:24px 0;text-align:center}
ul.context{padding-left:1.2em}
`);

/**
 * Progressive enhancement only: the page works without it. Filters the store list as people type,
 * narrows dependent answers to their parent's choice, and disables the submit button once pressed.
 */
export const SCRIPT = trusted(`
(function(){
  document.querySelectorAll("[data-store-search]").forEach(function(input){
    var select=document.getElementById(input.getAttribute("data-store-search"));
    var btn=input.parentNode.querySelector("button");if(btn)btn.hidden=true;
    input.addEventListener("input",function(){
      var q=input.value.toLowerCase();
      Array.prototype.forEach.call(select.options,function(o){if(!o.value)return;o.hidden=q!==""&&o.getAttribute("data-search").indexOf(q)<0;});
    });
    input.addEventListener("keydown",function(e){if(e.key==="Enter")e.preventDefault();});
  });
  document.querySelectorAll("select[data-parent]").forEach(function(child){
    var parent=document.getElementById(child.getAttribute("data-parent"));
    function sync(){Array.prototype.forEach.call(child.querySelectorAll("optgroup"),function(g){
      var on=g.getAttribute("data-when")===parent.value;g.hidden=!on;g.disabled=!on;});}
    parent.addEventListener("change",function(){child.value="";sync();});sync();
  });
  document.querySelectorAll("form[data-lead-form]").forEach(function(f){
    f.addEventListener("submit",function(e){if(f.getAttribute("data-sent")){e.preventDefault();return;}
      if(e.submitter&&e.submitter.value==="submit")f.setAttribute("data-sent","1");});
  });
})();
`);
