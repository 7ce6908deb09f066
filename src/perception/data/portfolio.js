// The portfolio table of perception's HTML report: filter, sort, a page of rows at a time.
// Rows come from the JSON of the element with id "rows"; text goes in with textContent only.
(function(){
"use strict";
var rows=JSON.parse(document.getElementById("rows").textContent);
var BANDS=["delighted","satisfied","neutral","at risk","critical"];
var PAGE=parseInt(document.getElementById("portfolio").dataset.page,10)||100;
var COLS={account:1,score:2,change:3,band:4,owner:5,segment:6,renewal:8};
var state={q:"",band:"",owner:"",segment:"",within:"",sort:"band",dir:"desc",page:1};
var $=function(id){return document.getElementById(id);};
var body=$("rows-body"), count=$("count");
function read(){
  var h=location.hash.replace(/^#/,"");
  if(!h){return;}
  h.split("&").forEach(function(part){
    var i=part.indexOf("="); if(i<0){return;}
    var k=decodeURIComponent(part.slice(0,i)), v=decodeURIComponent(part.slice(i+1));
    if(Object.prototype.hasOwnProperty.call(state,k)){state[k]=k==="page"?(parseInt(v,10)||1):v;}
  });
}
function write(){
  var parts=[];
  Object.keys(state).forEach(function(k){
    var v=String(state[k]);
    if(v&&!(k==="page"&&v==="1")){parts.push(encodeURIComponent(k)+"="+encodeURIComponent(v));}
  });
  history.replaceState(null,"",parts.length?"#"+parts.join("&"):location.pathname+location.search);
}
function keep(r){
  if(state.band!==""&&String(r[4])!==state.band){return false;}
  if(state.owner&&r[5]!==state.owner){return false;}
  if(state.segment&&r[6]!==state.segment){return false;}
  if(state.within){var d=r[8]; if(d===null||d<0||d>parseInt(state.within,10)){return false;}}
  if(state.q){
    var q=state.q.toLowerCase();
    if((r[0]+"\n"+r[1]+"\n"+r[5]+"\n"+r[6]+"\n"+r[9]).toLowerCase().indexOf(q)<0){return false;}
  }
  return true;
}
function compare(col,dir){
  return function(a,b){
    var x=a[col], y=b[col];
    if(x===y||(x===null&&y===null)||(x===""&&y==="")){return a[2]-b[2]||(a[0]<b[0]?-1:1);}
    if(x===null||x===""){return 1;} if(y===null||y===""){return -1;}
    var c=(typeof x==="number")?x-y:String(x).localeCompare(String(y));
    return dir==="asc"?c:-c;
  };
}
function cell(tr,text,cls){var td=document.createElement("td"); if(cls){td.className=cls;} td.textContent=text; tr.appendChild(td); return td;}
function day(iso){
  if(!iso){return "";}
  var p=iso.split("-"), m=["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"];
  return parseInt(p[2],10)+" "+m[parseInt(p[1],10)-1]+" "+p[0];
}
function draw(){
  var shown=rows.filter(keep);
  shown.sort(compare(COLS[state.sort]||4,state.dir));
  var pages=Math.max(1,Math.ceil(shown.length/PAGE));
  if(state.page>pages){state.page=pages;}
  var start=(state.page-1)*PAGE, part=shown.slice(start,start+PAGE);
  var frag=document.createDocumentFragment();
  part.forEach(function(r){
    var tr=document.createElement("tr"), td=document.createElement("td");
    tr.dataset.account=r[0];
    var name=r[1]||r[0];
    if(r[10]){var a=document.createElement("a"); a.href="#"+r[10]; a.textContent=name; a.className="detail"; td.appendChild(a);}
    else{td.appendChild(document.createTextNode(name));}
    var id=document.createElement("div"); id.className="id"; id.textContent=r[0]; td.appendChild(id);
    tr.appendChild(td);
    cell(tr,r[2].toFixed(1),"num");
    cell(tr,r[3]===null?"":(r[3]>0?"+":"")+r[3].toFixed(1),"num");
    var b=cell(tr,""), s=document.createElement("span"); s.className="band b"+r[4]; s.textContent=BANDS[r[4]]; b.appendChild(s);
    cell(tr,r[5]); cell(tr,r[6]); cell(tr,day(r[7])); cell(tr,r[9]);
    frag.appendChild(tr);
  });
  body.replaceChildren(frag);
  count.textContent=shown.length?("Accounts "+(start+1)+"\u2013"+(start+part.length)+" of "+shown.length+(shown.length<rows.length?" (filtered from "+rows.length+")":"")):"No account matches.";
  $("prev").disabled=state.page<=1; $("next").disabled=state.page>=pages;
  document.querySelectorAll("th[data-sort]").forEach(function(th){
    th.setAttribute("aria-sort",th.dataset.sort===state.sort?(state.dir==="asc"?"ascending":"descending"):"none");
  });
  ["q","band","owner","segment","within"].forEach(function(k){var el=$("f-"+k); if(el.value!==state[k]){el.value=state[k];}});
  write();
}
["q","band","owner","segment","within"].forEach(function(k){
  $("f-"+k).addEventListener(k==="q"?"input":"change",function(e){state[k]=e.target.value; state.page=1; draw();});
});
document.querySelectorAll("th[data-sort] button").forEach(function(btn){
  btn.addEventListener("click",function(){
    var k=btn.parentNode.dataset.sort;
    if(state.sort===k){state.dir=state.dir==="asc"?"desc":"asc";}
    else{state.sort=k; state.dir=(k==="score"||k==="change"||k==="renewal"||k==="account"||k==="owner"||k==="segment")?"asc":"desc";}
    state.page=1; draw();
  });
});
$("prev").addEventListener("click",function(){state.page-=1; draw();});
$("next").addEventListener("click",function(){state.page+=1; draw();});
window.addEventListener("hashchange",function(){read(); draw();});
read(); draw();
document.body.dataset.ready="1";
})();
